import type { Bucket, ReportDefinition, SeriesBody, TableBody } from './report-definition.js';

/**
 * A report body as CSV (RFC 4180): a header row, CRLF line ends (a final one too), fields with a
 * comma, double quote, CR or LF quoted and their quotes doubled.
 *
 * - bucket series: one row per bucket, `start,end,<metrics>`; with groupBy, `orgId,name,start,end,<metrics>`
 *   for every series in turn. Metrics are the definition's `columns`, else those of the first bucket.
 * - tables: the definition's `columns` (else the keys of the first row), one row per row.
 *
 * Cells: null/undefined empty, arrays joined with '; ', booleans true/false, objects as JSON. A text
 * cell beginning with = + - @ TAB or CR (a spreadsheet formula) is neutralised with a leading single
 * quote (SPEC §6, Security); numbers are written as numbers.
 */
export function toCsv(body: SeriesBody | TableBody<object>, definition: Pick<ReportDefinition, 'shape' | 'columns'>): string {
  return (
    reportGrid(body, definition, cell)
      .map((fields) => fields.map(quote).join(','))
      .join('\r\n') + '\r\n'
  );
}

/** A report body as a header row and one row per bucket or table row, each value written by `cell`: what CSV and text tables print. */
export function reportGrid(
  body: SeriesBody | TableBody<object>,
  definition: Pick<ReportDefinition, 'shape' | 'columns'>,
  cell: (value: unknown) => string,
): string[][] {
  const lines: string[][] = [];
  if (isSeries(body, definition)) {
    const metrics = definition.columns ?? metricsOf(firstBucket(body));
    if (body.series) {
      lines.push(['orgId', 'name', 'start', 'end', ...metrics]);
      for (const s of body.series) {
        for (const b of s.buckets) lines.push([cell(s.orgId), cell(s.name), cell(b.start), cell(b.end), ...metrics.map((m) => cell(b[m]))]);
      }
    } else {
      lines.push(['start', 'end', ...metrics]);
      for (const b of body.buckets ?? []) lines.push([cell(b.start), cell(b.end), ...metrics.map((m) => cell(b[m]))]);
    }
  } else {
    const columns = definition.columns ?? Object.keys(body.rows[0] ?? {});
    lines.push([...columns]);
    for (const row of body.rows as readonly Readonly<Record<string, unknown>>[]) lines.push(columns.map((c) => cell(row[c])));
  }
  return lines;
}

export const CSV_CONTENT_TYPE = 'text/csv; charset=utf-8';

function isSeries(body: SeriesBody | TableBody<object>, definition: Pick<ReportDefinition, 'shape'>): body is SeriesBody {
  return definition.shape === 'series' && !('rows' in body);
}

function firstBucket(body: SeriesBody): Bucket | undefined {
  return body.buckets?.[0] ?? body.series?.find((s) => s.buckets.length > 0)?.buckets[0];
}

function metricsOf(bucket: Bucket | undefined): string[] {
  return bucket ? Object.keys(bucket).filter((k) => k !== 'start' && k !== 'end') : [];
}

const FORMULA_START = /^[=+\-@\t\r]/;

/** The text of one cell, neutralised; quoting is `quote`'s. */
export function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  let text: string;
  if (Array.isArray(value))
    text = value.map((v) => (v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v))).join('; ');
  else if (value instanceof Date) text = value.toISOString();
  else if (typeof value === 'object') text = JSON.stringify(value);
  else text = String(value);
  return FORMULA_START.test(text) ? `'${text}` : text;
}

function quote(field: string): string {
  return /[",\r\n]/.test(field) ? `"${field.replaceAll('"', '""')}"` : field;
}
