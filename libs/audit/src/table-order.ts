import type { ReportRequest } from '../../report-contract/src/report-spec.js';

/**
 * Ordering and paging of replayed tables, as the projected tables order and page in SQL: text by
 * code point (the databases' C collation), pages from 1, every row in one page with `allRows`.
 */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function pageOf<T>(
  rows: readonly T[],
  request: Pick<ReportRequest, 'page' | 'pageSize' | 'allRows'>,
): { page: number; pageSize: number; slice: T[] } {
  if (request.allRows === true) return { page: 1, pageSize: Math.max(rows.length, 1), slice: [...rows] };
  const start = (request.page - 1) * request.pageSize;
  return { page: request.page, pageSize: request.pageSize, slice: rows.slice(start, start + request.pageSize) };
}
