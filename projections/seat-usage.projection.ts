import { sql, type Kysely } from 'kysely';
import { insertRows, unnestRows } from '../libs/database/src/bulk-rows.js';
import { ACTIVE_USE_EVENT_TYPES, isActiveUseEvent, localDate, modelOf, type ActivityActions, type Product } from '../libs/domain/src/index.js';
import type { StoredLedgerEvent } from '../libs/event-store/src/stored-ledger-event.js';
import type { ReadModelDb } from './engine/read-model-db.js';
import { accountOf, occurredAt, type Projection, type ProjectionContext } from './projection.js';
import { loadTimezones, loadUserOrgs } from './shared/batch-directory.js';
import { applyDirectoryEvents, createDirectoryTables, USER_DIRECTORY_EVENT_TYPES, type UserDirectoryTables } from './shared/directory-tables.js';
import { applySeatSpanEvents, createSeatSpanTables, SEAT_SPAN_EVENT_TYPES, type SeatSpanTables } from './shared/seat-spans.js';
import { keyOf } from './shared/versioned-rows.js';

/**
 * `seat-usage` (SPEC §4.3): who was active on a seat product, when.
 *
 * - `activity_days`: one row per (account, product, local date, user, the user's organization at the
 *   time): the user had a UserLoggedIn, SessionStarted or a UserActivityRecorded whose action counts
 *   (`ACTIVITY_ACTIONS`, see `isActiveUseEvent`) for the product that local day (account time zone). Day, week and month buckets count these rows.
 * - `activity_slots`: the same per 15-minute slot of UTC time (`slot`: the slot's number since the
 *   epoch, its start / SLOT_MS, as in `usage_slots`). Every local midnight and local hour
 *   boundary of every IANA zone falls on a quarter hour, so the slots answer hour buckets exactly and
 *   let `activity_days` be recomputed, without the events, when the account's time zone changes.
 * - `seat_spans` for `assigned` (latest record), as in seat-history.
 */
export interface ActivityTables {
  activity_slots: { account_id: string; product: string; slot: number; user_id: string; org_id: string };
  activity_days: { account_id: string; product: string; local_date: string; user_id: string; org_id: string };
}
export type SeatUsageTables = UserDirectoryTables & SeatSpanTables & ActivityTables;

export const SLOT_MS = 15 * 60_000;

export class SeatUsageProjection implements Projection<SeatUsageTables> {
  readonly name = 'seat-usage';
  /** 2: seat spans in epoch milliseconds, activity slots by number. */
  readonly version = 2;
  /** Its tables are keyed by account and each account folds on its own: projector processes may share it. */
  readonly partitionable = true;
  readonly rules = ['activityActions'] as const;
  readonly eventTypes: ReadonlySet<string> = new Set([...USER_DIRECTORY_EVENT_TYPES, ...SEAT_SPAN_EVENT_TYPES, ...ACTIVE_USE_EVENT_TYPES]);

  readonly migrations = {
    'v2-tables': { up: createSeatUsageTables },
  };

  async apply(db: ReadModelDb<SeatUsageTables>, events: readonly StoredLedgerEvent[], context: ProjectionContext): Promise<void> {
    await applySeatSpanEvents(db.part<SeatSpanTables & UserDirectoryTables>(), events);
    await applyActivityEvents(db, events, context.activityActions);
    await applyDirectoryEvents(db.part<UserDirectoryTables>(), events);
  }
}

export const seatUsageProjection = new SeatUsageProjection();

async function createSeatUsageTables(db: Kysely<unknown>): Promise<void> {
  await createDirectoryTables(db, 'users');
  await createSeatSpanTables(db);
  await db.schema
    .createTable('activity_slots')
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('product', 'text', (c) => c.notNull())
    .addColumn('slot', 'integer', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('activity_slots_pk', ['account_id', 'product', 'slot', 'user_id', 'org_id'])
    .execute();
  await db.schema
    .createTable('activity_days')
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('product', 'text', (c) => c.notNull())
    .addColumn('local_date', 'date', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('activity_days_pk', ['account_id', 'product', 'local_date', 'user_id', 'org_id'])
    .execute();
}

/** Folds activity into slots and local days (call before `applyDirectoryEvents` of the batch). */
async function applyActivityEvents(db: ReadModelDb<SeatUsageTables>, events: readonly StoredLedgerEvent[], actions: ActivityActions): Promise<void> {
  const activity = events.filter((e) => isActiveUseEvent(e, actions) && isSeatProduct(e.data.product));
  const rezoned = new Set(events.filter((e) => e.type === 'AccountTimezoneChanged').map(accountOf));
  if (activity.length === 0 && rezoned.size === 0) return;

  // Users active before the batch registers or moves them: their organization as stored.
  const followed = new Set<string>();
  const users = new Map<string, { account_id: string; user_id: string }>();
  const activitySet = new Set(activity);
  for (const e of events) {
    if (e.type !== 'UserRegistered' && e.type !== 'UserMoved' && !activitySet.has(e)) continue;
    if (e.type !== 'UserRegistered' && e.type !== 'UserMoved' && !isActiveUseEvent(e, actions)) continue;
    const account_id = accountOf(e);
    const user_id = e.data.userId;
    const key = keyOf(account_id, user_id);
    if (!activitySet.has(e)) followed.add(key);
    else if (!followed.has(key)) users.set(key, { account_id, user_id });
  }
  const orgOfUser = await loadUserOrgs(db.part<UserDirectoryTables>(), [...users.values()]);
  const zones = await loadTimezones(db.part<UserDirectoryTables>(), [...new Set(events.map(accountOf))]);

  const localDates = new SlotDates();
  const slots = new Map<string, ActivityTables['activity_slots']>();
  const days = new Map<string, ActivityTables['activity_days']>();
  for (const e of events) {
    const account_id = accountOf(e);
    switch (e.type) {
      case 'AccountOpened':
        zones.set(account_id, e.data.timezone);
        break;
      case 'AccountTimezoneChanged':
        zones.set(account_id, e.data.timezone);
        break;
      case 'UserRegistered':
      case 'UserMoved': {
        orgOfUser.set(keyOf(account_id, e.data.userId), e.data.orgId);
        break;
      }
      default: {
        if (!activitySet.has(e) || !isActiveUseEvent(e, actions)) break;
        const d = e.data;
        const org_id = orgOfUser.get(keyOf(account_id, d.userId));
        if (org_id === undefined) throw new Error(`activity of unknown user '${d.userId}' in account '${account_id}' (event ${e.eventId})`);
        const slot = Math.floor(occurredAt(e) / SLOT_MS);
        const local_date = localDates.of(slot * SLOT_MS, zones.get(account_id) ?? 'UTC');
        slots.set(keyOf(account_id, d.product, String(slot), d.userId, org_id), { account_id, product: d.product, slot, user_id: d.userId, org_id });
        days.set(keyOf(account_id, d.product, local_date, d.userId, org_id), {
          account_id,
          product: d.product,
          local_date,
          user_id: d.userId,
          org_id,
        });
      }
    }
  }

  const ignoreDuplicates = { conflict: sql`ON CONFLICT DO NOTHING` };
  await insertRows(db.kysely, db.table('activity_slots'), { ...ACTIVITY_COLUMNS, slot: 'integer' }, [...slots.values()], ignoreDuplicates);
  const days_ = [...days.values()].filter((d) => !rezoned.has(d.account_id));
  await insertRows(db.kysely, db.table('activity_days'), { ...ACTIVITY_COLUMNS, local_date: 'date' }, days_, ignoreDuplicates);
  for (const accountId of rezoned) await recomputeDays(db, accountId, zones.get(accountId) ?? 'UTC');
}

function isSeatProduct(product: Product): boolean {
  return modelOf(product) === 'seat';
}

const ACTIVITY_COLUMNS = { account_id: 'text', product: 'text', user_id: 'text', org_id: 'text' } as const;

/**
 * The local date of a slot, per zone. Every local midnight falls on a slot boundary, so a slot lies in
 * one local day; a batch has far fewer distinct slots than events, and luxon's zone arithmetic is the
 * costly part of folding activity.
 */
class SlotDates {
  readonly #dates = new Map<string, string>();

  of(slotStart: number, zone: string): string {
    const key = `${zone}\u0000${slotStart}`;
    let date = this.#dates.get(key);
    if (date === undefined) {
      date = localDate(slotStart, zone);
      this.#dates.set(key, date);
    }
    return date;
  }
}

/** The account's time zone changed: its local days are derived again from the slots, in the new zone. */
async function recomputeDays(db: ReadModelDb<SeatUsageTables>, accountId: string, zone: string): Promise<void> {
  await db.kysely.deleteFrom('activity_days').where('account_id', '=', accountId).execute();
  const slots = (await db.kysely.selectFrom('activity_slots').select('slot').distinct().where('account_id', '=', accountId).execute()).map(
    (r) => r.slot,
  );
  for (let i = 0; i < slots.length; i += 5000) {
    const zoned = unnestRows(
      { slot: 'integer', local_date: 'date' },
      slots.slice(i, i + 5000).map((slot) => ({ slot, local_date: localDate(slot * SLOT_MS, zone) })),
      'z',
    );
    await sql`INSERT INTO ${db.table('activity_days')} (account_id, product, local_date, user_id, org_id)
      SELECT DISTINCT a.account_id, a.product, z.local_date, a.user_id, a.org_id FROM ${db.table('activity_slots')} AS a JOIN ${zoned} ON z.slot = a.slot
      WHERE a.account_id = ${accountId}
      ON CONFLICT DO NOTHING`.execute(db.kysely);
  }
}
