import { sql, type Kysely, type RawBuilder } from 'kysely';
import { unnestRows, type ColumnTypes } from '../../libs/database/src/bulk-rows.js';
import { peaksWithin, type Interval } from '../../libs/domain/src/rules/peak-sweep.js';
import type { ReadModelDb } from '../engine/read-model-db.js';

/**
 * Concurrency slots, kept by the `sessions` projection: the peak number of closed intervals open at
 * once within each 15-minute UTC slot, per scope node (the account, and every organization for its
 * whole subtree). Every local hour, day, week and month boundary of a real zone falls on a 15-minute
 * UTC boundary, so the peak of any bucket is the max over its slots; a report sweeps the raw intervals
 * (the domain's `peaksWithin`) only where that does not hold (slots cut by `now` or by a still-open
 * interval). Instants are epoch milliseconds (bigint).
 */

/** Length of a concurrency slot. All zone offsets in use are multiples of 15 minutes. */
export const SLOT_MS = 15 * 60_000;
/** The scope node of the account itself in `usage_slots` (orgs use their orgId). */
export const ACCOUNT_NODE = '';

/** Slots per UTC hour: `usage_hours` keeps the max of each hour's four slots, so long ranges read a quarter of the rows. */
export const SLOTS_PER_HOUR = 4;

export interface UsageSlotTables {
  usage_slots: { account_id: string; product: string; node: string; slot: number; peak: number };
  usage_hours: { account_id: string; product: string; node: string; hour: number; peak: number };
}

/** Creates the concurrency slot tables (in a projection's migration; `db` is scoped to the new generation). */
export async function createUsageSlotsTable(db: Kysely<unknown>): Promise<void> {
  for (const [table, unit] of [
    ['usage_slots', 'slot'],
    ['usage_hours', 'hour'],
  ] as const) {
    await db.schema
      .createTable(table)
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('product', 'text', (c) => c.notNull())
      .addColumn('node', 'text', (c) => c.notNull())
      .addColumn(unit, 'integer', (c) => c.notNull())
      .addColumn('peak', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint(`${table}_pkey`, ['account_id', 'product', 'node', unit])
      .execute();
  }
}

/** A closed interval [start, end) that counts for every scope node in `nodes`. */
export interface NodedInterval extends Interval {
  readonly nodes: readonly string[];
}

/** A batch's newly closed intervals of one (account, product). */
export interface ClosedIntervals {
  readonly accountId: string;
  readonly product: string;
  readonly intervals: readonly NodedInterval[];
  /**
   * Every closed interval of (account, product) already stored (this batch's included) that overlaps
   * one of `ranges`; supersets are fine.
   */
  overlapping(ranges: readonly Interval[]): Promise<readonly NodedInterval[]>;
}

/**
 * Folds newly closed intervals into `usage_slots`. A slot an interval covers whole gains exactly one
 * at its peak (the level rises by one everywhere in it); a slot it covers in part is recomputed by a
 * sweep over the stored intervals overlapping it. Run after the intervals themselves are written.
 */
export async function applyClosedIntervals(db: ReadModelDb<UsageSlotTables>, groups: readonly ClosedIntervals[]): Promise<void> {
  const increments = new Map<string, { account_id: string; product: string; node: string; slot: number; peak: number }>();
  const absolutes: { account_id: string; product: string; node: string; slot: number; peak: number }[] = [];
  for (const group of groups) {
    const dirty = new Map<number, Set<string>>();
    for (const interval of group.intervals) {
      if (interval.end <= interval.start) continue;
      const first = Math.floor(interval.start / SLOT_MS);
      const last = Math.ceil(interval.end / SLOT_MS) - 1;
      for (let slot = first; slot <= last; slot++) {
        const whole = interval.start <= slot * SLOT_MS && (slot + 1) * SLOT_MS <= interval.end;
        if (whole) {
          for (const node of interval.nodes) {
            const key = `${group.accountId}\u0000${group.product}\u0000${node}\u0000${slot}`;
            const entry = increments.get(key);
            if (entry) entry.peak += 1;
            else increments.set(key, { account_id: group.accountId, product: group.product, node, slot, peak: 1 });
          }
        } else {
          const nodes = dirty.get(slot) ?? new Set<string>();
          for (const node of interval.nodes) nodes.add(node);
          dirty.set(slot, nodes);
        }
      }
    }
    if (dirty.size === 0) continue;
    const slots = [...dirty.keys()].sort((a, b) => a - b);
    const stored = await group.overlapping(clusterSlots(slots));
    for (const slot of slots) {
      const span = { start: slot * SLOT_MS, end: (slot + 1) * SLOT_MS };
      const inSlot = stored.filter((i) => i.start < span.end && i.end > span.start);
      for (const node of dirty.get(slot)!) {
        const peak = peaksWithin(
          inSlot.filter((i) => i.nodes.includes(node)),
          [span],
        )[0]!;
        increments.delete(`${group.accountId}\u0000${group.product}\u0000${node}\u0000${slot}`);
        absolutes.push({ account_id: group.accountId, product: group.product, node, slot, peak });
      }
    }
  }
  await upsertSlotsAndHours(db, [...increments.values()], sql`s.peak + excluded.peak`);
  await upsertSlotsAndHours(db, absolutes, sql`excluded.peak`);
}

/**
 * Writes slot peaks (`peak`: the new value from the stored `s` and the `excluded` row) and, in the same
 * statement, raises each touched hour to the highest of its new slot peaks. Slot peaks only grow, so an
 * hour's max of its four slots is its old value or one of the slots just written: no join back to
 * `usage_slots` (which PostgreSQL planned as a scan of the whole table once it had statistics).
 */
async function upsertSlotsAndHours(
  db: ReadModelDb<UsageSlotTables>,
  rows: readonly UsageSlotTables['usage_slots'][],
  peak: RawBuilder<unknown>,
): Promise<void> {
  for (let i = 0; i < rows.length; i += 5000) {
    await sql`
      WITH slots AS (
        INSERT INTO ${db.table('usage_slots')} AS s (account_id, product, node, slot, peak)
        SELECT * FROM ${unnestRows(USAGE_SLOT_COLUMNS, rows.slice(i, i + 5000))}
        ON CONFLICT (account_id, product, node, slot) DO UPDATE SET peak = ${peak}
        RETURNING account_id, product, node, slot, peak)
      INSERT INTO ${db.table('usage_hours')} AS h (account_id, product, node, hour, peak)
      SELECT account_id, product, node, slot / ${sql.lit(SLOTS_PER_HOUR)}, max(peak) FROM slots GROUP BY 1, 2, 3, 4
      ON CONFLICT (account_id, product, node, hour) DO UPDATE SET peak = GREATEST(h.peak, excluded.peak)`.execute(db.kysely);
  }
}

const USAGE_SLOT_COLUMNS: ColumnTypes<UsageSlotTables['usage_slots']> = {
  account_id: 'text',
  product: 'text',
  node: 'text',
  slot: 'integer',
  peak: 'integer',
};

/** Sorted slot numbers → time ranges, neighbours within an hour merged (fewer, index-friendly ranges). */
export function clusterSlots(slots: readonly number[]): Interval[] {
  const ranges: { start: number; end: number }[] = [];
  for (const slot of slots) {
    const start = slot * SLOT_MS;
    const last = ranges.at(-1);
    if (last && start - last.end <= 4 * SLOT_MS) last.end = Math.max(last.end, start + SLOT_MS);
    else ranges.push({ start, end: start + SLOT_MS });
  }
  return ranges;
}

/**
 * The highest stored slot peak per group of slots, for one scope node. Group i holds the slots from
 * `thresholds[i]` up to the next threshold (the last up to `endSlot`), minus the `exclude`d slots;
 * thresholds ascending. Groups without rows are absent. One round trip whatever the number of groups:
 * whole hours inside one group are read from `usage_hours` (a quarter of the rows), the rest of the
 * slots from `usage_slots`.
 */
export async function slotMaxima(
  db: ReadModelDb<UsageSlotTables>,
  accountId: string,
  product: string,
  node: string,
  thresholds: readonly number[],
  endSlot: number,
  exclude: readonly number[],
): Promise<Map<number, number>> {
  const result = new Map<number, number>();
  if (thresholds.length === 0) return result;
  const t = { usage_slots: db.table('usage_slots'), usage_hours: db.table('usage_hours') };
  const firstSlot = thresholds[0]!;
  // Hours that cannot be read whole: cut by a group start, the range ends or an excluded slot.
  const split = new Set<number>();
  for (const slot of [...thresholds, endSlot]) if (slot % SLOTS_PER_HOUR !== 0) split.add(Math.floor(slot / SLOTS_PER_HOUR));
  for (const slot of exclude) split.add(Math.floor(slot / SLOTS_PER_HOUR));
  const firstHour = Math.ceil(firstSlot / SLOTS_PER_HOUR);
  const endHour = Math.floor(endSlot / SLOTS_PER_HOUR);
  const parts = partSlots(split, firstSlot, endSlot, firstHour, endHour, exclude);
  const rows =
    endHour - firstHour > 2 * split.size
      ? sql`
      SELECT hour * ${sql.lit(SLOTS_PER_HOUR)} AS slot, peak FROM ${t.usage_hours}
      WHERE account_id = ${accountId} AND product = ${product} AND node = ${node} AND hour >= ${firstHour} AND hour < ${endHour}
        ${split.size > 0 ? sql`AND NOT (hour = ANY(${[...split]}::int[]))` : sql``}
      ${
        parts.length === 0
          ? sql``
          : sql`UNION ALL
      SELECT slot, peak FROM ${t.usage_slots}
      WHERE account_id = ${accountId} AND product = ${product} AND node = ${node}
        AND slot >= ${parts[0]} AND slot <= ${parts.at(-1)} AND slot = ANY(${parts}::int[])`
      }`
      : sql`
      SELECT slot, peak FROM ${t.usage_slots}
      WHERE account_id = ${accountId} AND product = ${product} AND node = ${node}
        AND slot >= ${firstSlot} AND slot < ${endSlot}
        ${exclude.length > 0 ? sql`AND NOT (slot = ANY(${[...exclude]}::int[]))` : sql``}`;
  // With a few hours per group at most (e.g. a year of hourly sub-buckets), grouping in PostgreSQL saves
  // few rows and costs a search of a thousands-long array per row: the rows are grouped here instead.
  if (thresholds.length * 4 * SLOTS_PER_HOUR >= endSlot - firstSlot) {
    const found = await sql<{ slot: number; peak: number }>`${rows}`.execute(db.kysely);
    for (const row of found.rows) {
      const group = lastAtOrBelow(thresholds, Number(row.slot));
      if (group >= 0) result.set(group, Math.max(result.get(group) ?? 0, Number(row.peak)));
    }
    return result;
  }
  const grouped = await sql<{ g: number; peak: number }>`
    SELECT width_bucket(slot, ${[...thresholds]}::int[]) AS g, max(peak) AS peak FROM (${rows}) parts GROUP BY g`.execute(db.kysely);
  for (const row of grouped.rows) result.set(Number(row.g) - 1, Number(row.peak));
  return result;
}

/** The index of the last value ≤ `x` in an ascending list, or -1. */
function lastAtOrBelow(sorted: readonly number[], x: number): number {
  let low = 0;
  let high = sorted.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if (sorted[mid]! <= x) low = mid + 1;
    else high = mid - 1;
  }
  return high;
}

/** The slots in [firstSlot, endSlot) not read through whole hours: those of split hours and of the partial hours at both ends. */
function partSlots(
  split: ReadonlySet<number>,
  firstSlot: number,
  endSlot: number,
  firstHour: number,
  endHour: number,
  exclude: readonly number[],
): number[] {
  const excluded = new Set(exclude);
  const slots: number[] = [];
  const add = (slot: number) => {
    if (slot >= firstSlot && slot < endSlot && !excluded.has(slot)) slots.push(slot);
  };
  for (let slot = firstSlot; slot < Math.min(firstHour * SLOTS_PER_HOUR, endSlot); slot++) add(slot);
  for (const hour of split) {
    if (hour < firstHour || hour >= endHour) continue;
    for (let k = 0; k < SLOTS_PER_HOUR; k++) add(hour * SLOTS_PER_HOUR + k);
  }
  for (let slot = Math.max(endHour * SLOTS_PER_HOUR, firstSlot); slot < endSlot; slot++) if (slot >= firstHour * SLOTS_PER_HOUR) add(slot);
  return slots.sort((a, b) => a - b);
}
