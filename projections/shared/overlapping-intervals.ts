import { sql, type RawBuilder } from 'kysely';
import type { Interval } from '../../libs/domain/src/rules/peak-sweep.js';

/**
 * Intervals longer than this are "long": found through their own partial index when a query asks
 * which intervals overlap a range; shorter ones through the start-time index, a day back at most.
 */
export const LONG_INTERVAL_MS = 86_400_000;

/**
 * The rows of `table` matching `where` whose interval [startCol, endCol) overlaps one of `ranges`, as
 * two index-friendly parts (UNION ALL; disjoint, so no row comes twice): a short interval
 * (≤ LONG_INTERVAL_MS) overlapping [a, b) started in (a − LONG, b), found by a start-time index range per
 * range; a long one is found by the table's partial index on `longPredicate` (repeated literally here so
 * the planner can use it) and its end.
 */
export function overlappingRows(
  select: RawBuilder<unknown>,
  table: RawBuilder<unknown>,
  where: RawBuilder<unknown>,
  startCol: string,
  endCol: string,
  longPredicate: RawBuilder<unknown>,
  ranges: readonly Interval[],
): RawBuilder<unknown> {
  const start = sql.ref(startCol);
  const end = sql.ref(endCol);
  const short = ranges.map((r) => sql`(${start} > ${r.start - LONG_INTERVAL_MS} AND ${start} < ${r.end} AND ${end} > ${r.start})`);
  const hullStart = Math.min(...ranges.map((r) => r.start));
  const hullEnd = Math.max(...ranges.map((r) => r.end));
  return sql`
    SELECT ${select} FROM ${table} WHERE ${where} AND ${end} - ${start} <= ${sql.lit(LONG_INTERVAL_MS)} AND (${sql.join(short, sql` OR `)})
    UNION ALL
    SELECT ${select} FROM ${table} WHERE ${where} AND ${longPredicate} AND ${end} > ${hullStart} AND ${start} < ${hullEnd}`;
}
