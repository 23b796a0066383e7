import { sql, type Generated, type Kysely, type RawBuilder } from 'kysely';
import { insertRows, unnestRows, type ColumnTypes } from '../../libs/database/src/bulk-rows.js';
import type { StoredLedgerEvent } from '../../libs/event-store/src/stored-ledger-event.js';
import { ms, type EpochMs, type ReadModelDb } from '../engine/read-model-db.js';
import { accountOf, occurredAt } from '../projection.js';

/**
 * Building blocks shared by the usage projections (`sessions`, `applications`):
 *
 * - **Pool history**: every purchase, amendment and dedication with the business instant it took
 *   effect, so a report can answer "purchased / dedicated at the end of this bucket" for any bucket
 *   without replaying events (purchases and dedications are few: a report loads them whole).
 * - **Concurrency slots** (sessions): the peak number of closed intervals open
 *   at once within each 15-minute UTC slot, per scope node (the account, and every organization for
 *   its whole subtree). Every local hour, day, week and month boundary of a real zone falls on a
 *   15-minute UTC boundary, so the peak of any bucket is the max over its slots; a report sweeps the
 *   raw intervals only where that does not hold (slots cut by `now` or by a still-open interval).
 *
 * Every instant is stored as epoch milliseconds (bigint).
 */

/** Length of a concurrency slot. All zone offsets in use are multiples of 15 minutes. */
export const SLOT_MS = 15 * 60_000;
/** The scope node of the account itself in `usage_slots` (orgs use their orgId). */
export const ACCOUNT_NODE = '';
/**
 * Intervals longer than this are "long": found through their own partial index when a query asks
 * which intervals overlap a range; shorter ones through the start-time index, a day back at most.
 */
export const LONG_INTERVAL_MS = 86_400_000;

export interface Range {
  readonly start: number;
  readonly end: number;
}

// ── Pool history ─────────────────────────────────────────────────────────────

export interface PoolHistoryTables {
  purchase_history: {
    id: Generated<string>; account_id: string; purchase_id: string; product: string; kind: 'purchased' | 'amended'; valid_from: EpochMs;
    quantity: number; starts_at: EpochMs | null; expires_at: EpochMs; machine_quota: number | null;
  };
  dedication_history: { id: Generated<string>; account_id: string; product: string; org_id: string; valid_from: EpochMs; quantity: number };
}

export const POOL_HISTORY_EVENT_TYPES = ['LicensesPurchased', 'PurchaseAmended', 'LicensesDedicated'] as const;

/** Creates the pool history tables (in a projection's migration; `db` is scoped to the new generation). */
export async function createPoolHistoryTables(db: Kysely<unknown>): Promise<void> {
  await db.schema.createTable('purchase_history')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull()).addColumn('purchase_id', 'text', (c) => c.notNull())
    .addColumn('product', 'text', (c) => c.notNull()).addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('valid_from', 'bigint', (c) => c.notNull()).addColumn('quantity', 'integer', (c) => c.notNull())
    .addColumn('starts_at', 'bigint').addColumn('expires_at', 'bigint', (c) => c.notNull()).addColumn('machine_quota', 'integer')
    .execute();
  await db.schema.createIndex('purchase_history_by_product').on('purchase_history').columns(['account_id', 'product', 'id']).execute();
  await db.schema.createTable('dedication_history')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull()).addColumn('product', 'text', (c) => c.notNull())
    .addColumn('org_id', 'text', (c) => c.notNull()).addColumn('valid_from', 'bigint', (c) => c.notNull())
    .addColumn('quantity', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('dedication_history_by_product').on('dedication_history').columns(['account_id', 'product', 'id']).execute();
}

type PurchaseHistoryRow = Omit<PoolHistoryTables['purchase_history'], 'id'>;
type DedicationHistoryRow = Omit<PoolHistoryTables['dedication_history'], 'id'>;

const PURCHASE_HISTORY_COLUMNS: ColumnTypes<PurchaseHistoryRow> = {
  account_id: 'text', purchase_id: 'text', product: 'text', kind: 'text', valid_from: 'bigint', quantity: 'integer', starts_at: 'bigint',
  expires_at: 'bigint', machine_quota: 'integer',
};
const DEDICATION_HISTORY_COLUMNS: ColumnTypes<DedicationHistoryRow> = {
  account_id: 'text', product: 'text', org_id: 'text', valid_from: 'bigint', quantity: 'integer',
};

/** Appends the batch's purchases, amendments and dedications (of `products`, or all) in log order. */
export async function applyPoolHistory(
  db: ReadModelDb<PoolHistoryTables>, events: readonly StoredLedgerEvent[], products?: ReadonlySet<string>,
): Promise<void> {
  const purchases: PurchaseHistoryRow[] = [];
  const dedications: DedicationHistoryRow[] = [];
  for (const e of events) {
    if (e.type === 'LicensesPurchased') {
      const d = e.data;
      if (products && !products.has(d.product)) continue;
      purchases.push({
        account_id: accountOf(e), purchase_id: d.purchaseId, product: d.product, kind: 'purchased', valid_from: occurredAt(e),
        quantity: d.quantity, starts_at: Date.parse(d.startsAt), expires_at: Date.parse(d.expiresAt), machine_quota: d.machineQuota,
      });
    } else if (e.type === 'PurchaseAmended') {
      const d = e.data;
      if (products && !products.has(d.product)) continue;
      purchases.push({
        account_id: accountOf(e), purchase_id: d.purchaseId, product: d.product, kind: 'amended', valid_from: occurredAt(e),
        quantity: d.quantity, starts_at: null, expires_at: Date.parse(d.expiresAt), machine_quota: d.machineQuota,
      });
    } else if (e.type === 'LicensesDedicated') {
      const d = e.data;
      if (products && !products.has(d.product)) continue;
      dedications.push({ account_id: accountOf(e), product: d.product, org_id: d.orgId, valid_from: occurredAt(e), quantity: d.quantity });
    }
  }
  // Rows go in log order (unnest keeps the arrays' order): `id` (bigserial) then orders versions of the same instant.
  await insertRows(db.kysely, db.table('purchase_history'), PURCHASE_HISTORY_COLUMNS, purchases);
  await insertRows(db.kysely, db.table('dedication_history'), DEDICATION_HISTORY_COLUMNS, dedications);
}

/** One purchase as it stood after a given version: what `isPurchaseActive` of the domain needs. */
export interface PurchaseVersion {
  readonly purchaseId: string;
  /** Business instant this version took effect (the purchase's or the amendment's `at`). */
  readonly validFrom: number;
  readonly quantity: number;
  readonly startsAt: number;
  readonly expiresAt: number;
  /** When the purchase itself was recorded: it never counts before (SPEC §2). */
  readonly recordedAt: number;
  readonly machineQuota: number | null;
}

export interface DedicationVersion {
  readonly orgId: string;
  readonly validFrom: number;
  readonly quantity: number;
}

/** The pool history of one product, loaded once per report. */
export class PoolHistory {
  constructor(
    /** Versions in log order. */
    readonly purchases: readonly PurchaseVersion[],
    readonly dedications: readonly DedicationVersion[],
  ) {}

  static async load(db: ReadModelDb<PoolHistoryTables>, accountId: string, product: string): Promise<PoolHistory> {
    const k = db.kysely;
    const [purchaseRows, dedicationRows] = await Promise.all([
      k.selectFrom('purchase_history').selectAll().where('account_id', '=', accountId).where('product', '=', product).orderBy('id').execute(),
      k.selectFrom('dedication_history').selectAll().where('account_id', '=', accountId).where('product', '=', product).orderBy('id').execute(),
    ]);
    const originals = new Map<string, { startsAt: number; recordedAt: number }>();
    const purchases: PurchaseVersion[] = [];
    for (const row of purchaseRows) {
      const validFrom = ms(row.valid_from);
      if (row.kind === 'purchased' && row.starts_at !== null) originals.set(row.purchase_id, { startsAt: ms(row.starts_at), recordedAt: validFrom });
      const original = originals.get(row.purchase_id);
      if (!original) continue;
      purchases.push({
        purchaseId: row.purchase_id, validFrom, quantity: row.quantity, startsAt: original.startsAt, expiresAt: ms(row.expires_at),
        recordedAt: original.recordedAt, machineQuota: row.machine_quota,
      });
    }
    const dedications = dedicationRows.map((row) => ({ orgId: row.org_id, validFrom: ms(row.valid_from), quantity: row.quantity }));
    return new PoolHistory(purchases, dedications);
  }

  /** Each purchase as it stood after every version with `validFrom ≤ at`. */
  purchasesAt(at: number): PurchaseVersion[] {
    const latest = new Map<string, PurchaseVersion>();
    for (const v of this.purchases) if (v.validFrom <= at) latest.set(v.purchaseId, v);
    return [...latest.values()];
  }

  /** Σ quantity of the purchases active at `at` (the account's `dedicated`), after amendments up to `at`. */
  purchasedAt(at: number): number {
    let total = 0;
    for (const p of this.purchasesAt(at)) if (isActive(p, at)) total += p.quantity;
    return total;
  }

  /** An org's dedicated quantity after every dedication with `validFrom ≤ at` (0 = none). */
  dedicatedAt(orgId: string, at: number): number {
    let quantity = 0;
    for (const v of this.dedications) if (v.orgId === orgId && v.validFrom <= at) quantity = v.quantity;
    return quantity;
  }

  /** `dedicated(scope)` at `at`: the purchased quantity for the account, the dedication for an org. */
  dedicatedScopeAt(orgId: string | null, at: number): number {
    return orgId === null ? this.purchasedAt(at) : this.dedicatedAt(orgId, at);
  }

  /** orgId → dedicated quantity (> 0) after every dedication with `validFrom ≤ at`. */
  dedicationsAt(at: number): Map<string, number> {
    const current = new Map<string, number>();
    for (const v of this.dedications) {
      if (v.validFrom > at) continue;
      if (v.quantity > 0) current.set(v.orgId, v.quantity);
      else current.delete(v.orgId);
    }
    return current;
  }
}

/** The domain's `isPurchaseActive`: counts on [max(recordedAt, startsAt), expiresAt). */
export function isActive(p: Pick<PurchaseVersion, 'startsAt' | 'expiresAt' | 'recordedAt'>, at: number): boolean {
  return Math.max(p.recordedAt, p.startsAt) <= at && at < p.expiresAt;
}

/**
 * The instant a bucket's "latest record" (SPEC §2) is read at: the bucket's last instant (events
 * with `at` < end; a purchase expiring exactly at the bucket end still counts for that bucket), or
 * now for the bucket containing now.
 */
export function latestRecordInstant(bucket: Range, now: number): number {
  return Math.min(bucket.end - 1, now);
}

// ── Concurrency slots ────────────────────────────────────────────────────────

/** Slots per UTC hour: `usage_hours` keeps the max of each hour's four slots, so long ranges read a quarter of the rows. */
export const SLOTS_PER_HOUR = 4;

export interface UsageSlotTables {
  usage_slots: { account_id: string; product: string; node: string; slot: number; peak: number };
  usage_hours: { account_id: string; product: string; node: string; hour: number; peak: number };
}

/** Creates the concurrency slot tables (in a projection's migration; `db` is scoped to the new generation). */
export async function createUsageSlotsTable(db: Kysely<unknown>): Promise<void> {
  for (const [table, unit] of [['usage_slots', 'slot'], ['usage_hours', 'hour']] as const) {
    await db.schema.createTable(table)
      .addColumn('account_id', 'text', (c) => c.notNull()).addColumn('product', 'text', (c) => c.notNull())
      .addColumn('node', 'text', (c) => c.notNull()).addColumn(unit, 'integer', (c) => c.notNull())
      .addColumn('peak', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint(`${table}_pkey`, ['account_id', 'product', 'node', unit])
      .execute();
  }
}

/** A closed interval [start, end) that counts for every scope node in `nodes`. */
export interface NodedInterval extends Range {
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
  overlapping(ranges: readonly Range[]): Promise<readonly NodedInterval[]>;
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
        const peak = maxLevels(inSlot.filter((i) => i.nodes.includes(node)), [span])[0]!;
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
  db: ReadModelDb<UsageSlotTables>, rows: readonly UsageSlotTables['usage_slots'][], peak: RawBuilder<unknown>,
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
  account_id: 'text', product: 'text', node: 'text', slot: 'integer', peak: 'integer',
};

/** Sorted slot numbers → time ranges, neighbours within an hour merged (fewer, index-friendly ranges). */
export function clusterSlots(slots: readonly number[]): Range[] {
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
 * The rows of `table` matching `where` whose interval [startCol, endCol) overlaps one of `ranges`, as
 * two index-friendly parts (UNION ALL; disjoint, so no row comes twice): a short interval
 * (≤ LONG_INTERVAL_MS) overlapping [a, b) started in (a − LONG, b), found by a start-time index range per
 * range; a long one is found by the table's partial index on `longPredicate` (repeated literally here so
 * the planner can use it) and its end.
 */
export function overlappingRows(
  select: RawBuilder<unknown>, table: RawBuilder<unknown>, where: RawBuilder<unknown>, startCol: string, endCol: string,
  longPredicate: RawBuilder<unknown>, ranges: readonly Range[],
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

/**
 * For each piece [start, end), the most intervals open at one instant within it. Intervals are
 * half-open, so one ending at t and one starting at t never overlap (ends are applied before starts).
 * `pieces` must be sorted and disjoint.
 */
export function maxLevels(intervals: readonly Range[], pieces: readonly Range[]): number[] {
  const result = pieces.map(() => 0);
  if (pieces.length === 0) return result;
  const points: { at: number; delta: number }[] = [];
  for (const i of intervals) {
    if (i.end <= i.start) continue;
    points.push({ at: i.start, delta: 1 }, { at: i.end, delta: -1 });
  }
  points.sort((a, b) => a.at - b.at || a.delta - b.delta);
  let level = 0;
  let p = 0;
  // Level on [points[p-1].at, points[p].at) is `level` after applying points[0..p-1].
  for (let k = 0; k < pieces.length; k++) {
    const piece = pieces[k]!;
    if (piece.end <= piece.start) continue;
    while (p < points.length && points[p]!.at <= piece.start) level += points[p++]!.delta;
    let best = level;
    while (p < points.length && points[p]!.at < piece.end) {
      const at = points[p]!.at;
      while (p < points.length && points[p]!.at === at) level += points[p++]!.delta;
      if (level > best) best = level;
    }
    result[k] = best;
  }
  return result;
}

/**
 * The highest stored slot peak per group of slots, for one scope node. Group i holds the slots from
 * `thresholds[i]` up to the next threshold (the last up to `endSlot`), minus the `exclude`d slots;
 * thresholds ascending. Groups without rows are absent. One round trip whatever the number of groups:
 * whole hours inside one group are read from `usage_hours` (a quarter of the rows), the rest of the
 * slots from `usage_slots`.
 */
export async function slotMaxima(
  db: ReadModelDb<UsageSlotTables>, accountId: string, product: string, node: string,
  thresholds: readonly number[], endSlot: number, exclude: readonly number[],
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
  const rows = endHour - firstHour > 2 * split.size
    ? sql`
      SELECT hour * ${sql.lit(SLOTS_PER_HOUR)} AS slot, peak FROM ${t.usage_hours}
      WHERE account_id = ${accountId} AND product = ${product} AND node = ${node} AND hour >= ${firstHour} AND hour < ${endHour}
        ${split.size > 0 ? sql`AND NOT (hour = ANY(${[...split]}::int[]))` : sql``}
      ${parts.length === 0 ? sql`` : sql`UNION ALL
      SELECT slot, peak FROM ${t.usage_slots}
      WHERE account_id = ${accountId} AND product = ${product} AND node = ${node}
        AND slot >= ${parts[0]} AND slot <= ${parts.at(-1)} AND slot = ANY(${parts}::int[])`}`
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
function partSlots(split: ReadonlySet<number>, firstSlot: number, endSlot: number, firstHour: number, endHour: number, exclude: readonly number[]): number[] {
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
