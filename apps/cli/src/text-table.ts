import { reportGrid } from '../../../libs/reports/src/csv.js';
import type { ReportDefinition, SeriesBody, TableBody } from '../../../libs/reports/src/report-definition.js';

/**
 * Columns padded to their widest cell, two spaces apart; a column whose cells are all numbers is
 * aligned right. The header is the first row.
 */
export function textTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => (row[i] ?? '').length)));
  const numeric = header.map((_, i) => rows.length > 0 && rows.every((row) => /^-?\d+(\.\d+)?$/.test(row[i] ?? '')));
  const line = (cells: readonly string[], isHeader: boolean) =>
    cells
      .map((cell, i) => (numeric[i] && !isHeader ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return `${[line(header, true), ...rows.map((row) => line(row, false))].join('\n')}\n`;
}

/** A report body for a person at a terminal (`--format table`): what it is, then its rows. */
export function reportTable(body: SeriesBody | TableBody, definition: Pick<ReportDefinition, 'shape' | 'columns'>): string {
  const [header = [], ...rows] = reportGrid(body, definition, plainCell);
  const position = `as of position ${body.asOfPosition ?? '(empty log)'}`;
  const title =
    'rows' in body
      ? `${body.report} · ${body.accountId}${body.product ? ` · ${body.product}` : ''} · ${body.rows.length} of ${body.total} rows ` +
        `(page ${body.page}, ${body.pageSize} a page) · ${position}`
      : `${body.report} · ${body.accountId} · ${body.product}${body.orgId ? ` · org ${body.orgId}` : ''} · ${body.interval} buckets ` +
        `${body.from} – ${body.to} (${body.timezone}) · ${position}`;
  return `${title}\n\n${rows.length === 0 ? '(no rows)\n' : textTable(header, rows)}`;
}

function plainCell(value: unknown): string {
  if (value === null || value === undefined) return '-';
  if (Array.isArray(value)) return value.length === 0 ? '-' : value.map((v) => (typeof v === 'object' ? JSON.stringify(v) : String(v))).join('; ');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
