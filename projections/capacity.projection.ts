import { sql, type Kysely } from 'kysely';
import { insertRows, type ColumnTypes } from '../libs/database/src/bulk-rows.js';
import {
  isActiveUseEvent,
  isSeatProduct,
  isSessionProduct,
  sessionDrawsUnit,
  type ActivityActions,
  type LedgerEvent,
} from '../libs/domain/src/index.js';
import { asLedgerEvent, type StoredLedgerEvent } from '../libs/event-store/src/stored-ledger-event.js';
import type { EpochMs, ReadModelDb } from './engine/read-model-db.js';
import { accountOf, occurredAt, type Projection, type ProjectionContext } from './projection.js';
import { loadUserOrgs } from './shared/batch-directory.js';
import { applyDirectoryEvents, createDirectoryTables, USER_DIRECTORY_EVENT_TYPES, type UserDirectoryTables } from './shared/directory-tables.js';
import { keyOf } from './shared/versioned-rows.js';

/**
 * `capacity` — what the capacity answers of SPEC §8 read (what-if, idle seats, reclaim back-test,
 * denials, forecast), each fact with its place in the account's log (`*_seq`: the stream revision of
 * the event), so replays order facts of one instant as the log did and explanations can name the
 * events:
 *
 * - `capacity_units`: every session of a session product (`draws_unit` for the online ones), every
 *   TrueTest activation and every offline license of a session product, as [started_at, ended_at)
 *   with the holder's organization at the start (sessions keep `last_seen` for the lease rule, which
 *   reports apply at query time; an offline license ends when it expires);
 * - `capacity_denials`: attempts denied for capacity (SessionDenied, ApplicationDenied);
 * - `capacity_pool_changes`: purchases, amendments and dedications of every product;
 * - `capacity_user_moves`: users' moves between organizations (units and seats move with them);
 * - `capacity_seats`: seat tenures [assigned_at, unassigned_at) with their first login (activation);
 * - `capacity_activity`: the instants of qualifying activity (SPEC §4.3, `ACTIVITY_ACTIONS`) on seat
 *   products, one row per user, product and instant.
 *
 * Every instant is epoch milliseconds (bigint).
 */
export interface CapacityTables extends UserDirectoryTables {
  capacity_units: {
    account_id: string;
    product: string;
    kind: UnitKind;
    unit_id: string;
    user_id: string | null;
    org_id: string | null;
    draws_unit: boolean;
    started_at: Bigint;
    start_seq: Bigint;
    last_seen: Bigint;
    ended_at: Bigint | null;
    end_seq: Bigint | null;
  };
  capacity_denials: {
    account_id: string;
    product: string;
    at: Bigint;
    seq: Bigint;
    attempt_id: string;
    user_id: string | null;
    org_id: string | null;
  };
  capacity_pool_changes: {
    account_id: string;
    product: string;
    seq: Bigint;
    at: Bigint;
    kind: 'purchased' | 'amended' | 'dedicated';
    purchase_id: string | null;
    org_id: string | null;
    quantity: number;
    starts_at: Bigint | null;
    expires_at: Bigint | null;
  };
  capacity_user_moves: { account_id: string; user_id: string; seq: Bigint; at: Bigint; from_org_id: string; org_id: string };
  capacity_seats: {
    account_id: string;
    product: string;
    user_id: string;
    assigned_at: Bigint;
    assign_seq: Bigint;
    unassigned_at: Bigint | null;
    unassign_seq: Bigint | null;
    activated_at: Bigint | null;
    activate_seq: Bigint | null;
  };
  capacity_activity: { account_id: string; product: string; user_id: string; at: Bigint; seq: Bigint };
}

/** A bigint column (instants in epoch ms, log revisions): numbers are written, both drivers read text. */
type Bigint = EpochMs;
export type UnitKind = 'session' | 'application' | 'offline';

type UnitRow = CapacityTables['capacity_units'];
type SeatRow = CapacityTables['capacity_seats'];

const CAPACITY_EVENT_TYPES = [
  'LicensesPurchased',
  'PurchaseAmended',
  'LicensesDedicated',
  'SeatAssigned',
  'SeatUnassigned',
  'SeatActivated',
  'UserLoggedIn',
  'UserActivityRecorded',
  'SessionStarted',
  'SessionHeartbeatRecorded',
  'SessionEnded',
  'SessionExpired',
  'SessionDenied',
  'OfflineLicenseGenerated',
  'ApplicationActivated',
  'ApplicationReleased',
  'ApplicationDenied',
] as const;

export class CapacityProjection implements Projection<CapacityTables> {
  readonly name = 'capacity';
  readonly version = 1;
  /** Which activity counts decides `capacity_activity`; the lease is applied when reports are read. */
  readonly rules = ['activityActions'] as const;
  readonly eventTypes: ReadonlySet<string> = new Set<string>([...USER_DIRECTORY_EVENT_TYPES, ...CAPACITY_EVENT_TYPES]);

  readonly migrations = { 'v1-tables': { up: createCapacityTables } };

  async apply(db: ReadModelDb<CapacityTables>, events: readonly StoredLedgerEvent[], context: ProjectionContext): Promise<void> {
    const fold = new CapacityBatch(context.activityActions);
    // Organizations of users as stored before the batch, for the users it refers to before registering or moving them.
    const userOrgs = await loadUserOrgs(db.part<UserDirectoryTables>(), fold.usersBefore(events));
    const units = await loadOpenUnits(db.kysely, fold.unitsBefore(events));
    const seats = await loadOpenSeats(db.kysely, fold.seatsBefore(events));
    await applyDirectoryEvents(db.part<UserDirectoryTables>(), events);
    fold.run(events, userOrgs, units, seats);
    await fold.write(db);
  }
}

export const capacityProjection = new CapacityProjection();

const unitKey = (accountId: string, product: string, kind: UnitKind, unitId: string) => keyOf(accountId, product, kind, unitId);
const seatKey = (accountId: string, product: string, userId: string) => keyOf(accountId, product, userId);

/** One batch folded in memory, then written set-wise. */
class CapacityBatch {
  private readonly units = new Map<string, UnitRow>();
  private readonly touchedUnits = new Set<UnitRow>();
  private readonly seats = new Map<string, SeatRow>();
  private readonly touchedSeats = new Set<SeatRow>();
  private readonly denials: CapacityTables['capacity_denials'][] = [];
  private readonly poolChanges: CapacityTables['capacity_pool_changes'][] = [];
  private readonly moves: CapacityTables['capacity_user_moves'][] = [];
  private readonly activity = new Map<string, CapacityTables['capacity_activity']>();

  constructor(private readonly actions: ActivityActions) {}

  /** Users an event of the batch needs the organization of before the batch registers or moves them. */
  usersBefore(events: readonly StoredLedgerEvent[]): { account_id: string; user_id: string }[] {
    const placed = new Set<string>();
    const wanted = new Map<string, { account_id: string; user_id: string }>();
    for (const stored of events) {
      const e = asLedgerEvent(stored);
      const account_id = accountOf(stored);
      switch (e.type) {
        case 'UserRegistered':
          placed.add(keyOf(account_id, e.data.userId));
          break;
        case 'UserMoved':
        case 'SessionStarted':
        case 'SessionDenied':
        case 'OfflineLicenseGenerated': {
          const key = keyOf(account_id, e.data.userId);
          if (!placed.has(key)) wanted.set(key, { account_id, user_id: e.data.userId });
          if (e.type === 'UserMoved') placed.add(key);
          break;
        }
        default:
          break;
      }
    }
    return [...wanted.values()];
  }

  /** Sessions and applications the batch ends or extends that started in an earlier batch. */
  unitsBefore(events: readonly StoredLedgerEvent[]): UnitRef[] {
    const started = new Set<string>();
    const wanted = new Map<string, UnitRef>();
    for (const stored of events) {
      const e = asLedgerEvent(stored);
      const account_id = accountOf(stored);
      switch (e.type) {
        case 'SessionStarted':
          started.add(unitKey(account_id, e.data.product, 'session', e.data.sessionId));
          break;
        case 'ApplicationActivated':
          started.add(unitKey(account_id, 'TRUETEST', 'application', e.data.applicationId));
          break;
        case 'SessionHeartbeatRecorded':
        case 'SessionEnded':
        case 'SessionExpired': {
          const key = unitKey(account_id, e.data.product, 'session', e.data.sessionId);
          if (!started.has(key)) wanted.set(key, { account_id, product: e.data.product, kind: 'session', unit_id: e.data.sessionId });
          break;
        }
        case 'ApplicationReleased': {
          const key = unitKey(account_id, 'TRUETEST', 'application', e.data.applicationId);
          if (!started.has(key)) wanted.set(key, { account_id, product: 'TRUETEST', kind: 'application', unit_id: e.data.applicationId });
          started.delete(key);
          break;
        }
        default:
          break;
      }
    }
    return [...wanted.values()];
  }

  /** Seats the batch unassigns or activates that were assigned in an earlier batch. */
  seatsBefore(events: readonly StoredLedgerEvent[]): { account_id: string; product: string; user_id: string }[] {
    const assigned = new Set<string>();
    const wanted = new Map<string, { account_id: string; product: string; user_id: string }>();
    for (const stored of events) {
      const e = asLedgerEvent(stored);
      const account_id = accountOf(stored);
      switch (e.type) {
        case 'SeatAssigned':
          assigned.add(seatKey(account_id, e.data.product, e.data.userId));
          break;
        case 'SeatUnassigned':
        case 'SeatActivated': {
          const key = seatKey(account_id, e.data.product, e.data.userId);
          if (!assigned.has(key)) wanted.set(key, { account_id, product: e.data.product, user_id: e.data.userId });
          if (e.type === 'SeatUnassigned') assigned.add(key);
          break;
        }
        default:
          break;
      }
    }
    return [...wanted.values()];
  }

  run(events: readonly StoredLedgerEvent[], userOrgs: Map<string, string>, openUnits: readonly UnitRow[], openSeats: readonly SeatRow[]): void {
    for (const row of openUnits) this.units.set(unitKey(row.account_id, row.product, row.kind, row.unit_id), row);
    for (const row of openSeats) this.seats.set(seatKey(row.account_id, row.product, row.user_id), row);
    const orgOf = (account_id: string, userId: string): string => {
      const orgId = userOrgs.get(keyOf(account_id, userId));
      if (orgId === undefined) throw new Error(`capacity projection: user '${userId}' of account '${account_id}' is not registered`);
      return orgId;
    };
    for (const stored of events) {
      const e = asLedgerEvent(stored);
      const account_id = accountOf(stored);
      const at = occurredAt(stored);
      const seq = Number(stored.streamRevision);
      switch (e.type) {
        case 'UserRegistered':
          userOrgs.set(keyOf(account_id, e.data.userId), e.data.orgId);
          break;
        case 'UserMoved':
          this.moves.push({ account_id, user_id: e.data.userId, seq, at, from_org_id: orgOf(account_id, e.data.userId), org_id: e.data.orgId });
          userOrgs.set(keyOf(account_id, e.data.userId), e.data.orgId);
          break;
        case 'LicensesPurchased':
          this.poolChanges.push({
            account_id,
            product: e.data.product,
            seq,
            at,
            kind: 'purchased',
            purchase_id: e.data.purchaseId,
            org_id: null,
            quantity: e.data.quantity,
            starts_at: Date.parse(e.data.startsAt),
            expires_at: Date.parse(e.data.expiresAt),
          });
          break;
        case 'PurchaseAmended':
          this.poolChanges.push({
            account_id,
            product: e.data.product,
            seq,
            at,
            kind: 'amended',
            purchase_id: e.data.purchaseId,
            org_id: null,
            quantity: e.data.quantity,
            starts_at: null,
            expires_at: Date.parse(e.data.expiresAt),
          });
          break;
        case 'LicensesDedicated':
          this.poolChanges.push({
            account_id,
            product: e.data.product,
            seq,
            at,
            kind: 'dedicated',
            purchase_id: null,
            org_id: e.data.orgId,
            quantity: e.data.quantity,
            starts_at: null,
            expires_at: null,
          });
          break;
        case 'SessionStarted':
          if (isSessionProduct(e.data.product)) {
            this.startUnit({
              account_id,
              product: e.data.product,
              kind: 'session',
              unit_id: e.data.sessionId,
              user_id: e.data.userId,
              org_id: orgOf(account_id, e.data.userId),
              draws_unit: sessionDrawsUnit(e.data.product, e.data.licenseType),
              started_at: at,
              start_seq: seq,
              last_seen: at,
              ended_at: null,
              end_seq: null,
            });
          }
          this.activityOf(e, account_id, at, seq);
          break;
        case 'SessionHeartbeatRecorded': {
          const row = this.units.get(unitKey(account_id, e.data.product, 'session', e.data.sessionId));
          if (row && row.ended_at === null) {
            row.last_seen = Math.max(Number(row.last_seen), at);
            this.touchedUnits.add(row);
          }
          break;
        }
        case 'SessionEnded':
        case 'SessionExpired':
          this.endUnit(unitKey(account_id, e.data.product, 'session', e.data.sessionId), Date.parse(e.data.endedAt), seq);
          break;
        case 'SessionDenied':
          this.denials.push({
            account_id,
            product: e.data.product,
            at,
            seq,
            attempt_id: e.data.sessionId,
            user_id: e.data.userId,
            org_id: orgOf(account_id, e.data.userId),
          });
          break;
        case 'OfflineLicenseGenerated':
          if (isSessionProduct(e.data.product)) {
            this.startUnit({
              account_id,
              product: e.data.product,
              kind: 'offline',
              unit_id: e.data.machineId,
              user_id: e.data.userId,
              org_id: orgOf(account_id, e.data.userId),
              draws_unit: true,
              started_at: at,
              start_seq: seq,
              last_seen: at,
              ended_at: Date.parse(e.data.expiresAt),
              end_seq: null,
            });
          }
          break;
        case 'ApplicationActivated':
          this.startUnit({
            account_id,
            product: 'TRUETEST',
            kind: 'application',
            unit_id: e.data.applicationId,
            user_id: null,
            org_id: null,
            draws_unit: true,
            started_at: at,
            start_seq: seq,
            last_seen: at,
            ended_at: null,
            end_seq: null,
          });
          break;
        case 'ApplicationReleased':
          this.endUnit(unitKey(account_id, 'TRUETEST', 'application', e.data.applicationId), at, seq);
          break;
        case 'ApplicationDenied':
          this.denials.push({ account_id, product: 'TRUETEST', at, seq, attempt_id: e.data.applicationId, user_id: null, org_id: null });
          break;
        case 'SeatAssigned': {
          const row: SeatRow = {
            account_id,
            product: e.data.product,
            user_id: e.data.userId,
            assigned_at: at,
            assign_seq: seq,
            unassigned_at: null,
            unassign_seq: null,
            activated_at: null,
            activate_seq: null,
          };
          this.seats.set(seatKey(account_id, e.data.product, e.data.userId), row);
          this.touchedSeats.add(row);
          break;
        }
        case 'SeatUnassigned': {
          const key = seatKey(account_id, e.data.product, e.data.userId);
          const row = this.seats.get(key);
          if (!row) break;
          row.unassigned_at = at;
          row.unassign_seq = seq;
          this.seats.delete(key);
          this.touchedSeats.add(row);
          break;
        }
        case 'SeatActivated': {
          const row = this.seats.get(seatKey(account_id, e.data.product, e.data.userId));
          if (!row || row.activated_at !== null) break;
          row.activated_at = at;
          row.activate_seq = seq;
          this.touchedSeats.add(row);
          break;
        }
        case 'UserLoggedIn':
        case 'UserActivityRecorded':
          this.activityOf(e, account_id, at, seq);
          break;
        default:
          break;
      }
    }
  }

  /** A qualifying use of a seat product (`isActiveUseEvent`), one row per user, product and instant. */
  private activityOf(e: LedgerEvent, account_id: string, at: number, seq: number): void {
    if (!isActiveUseEvent(e, this.actions) || !isSeatProduct(e.data.product)) return;
    const key = keyOf(account_id, e.data.product, e.data.userId, String(at));
    if (!this.activity.has(key)) this.activity.set(key, { account_id, product: e.data.product, user_id: e.data.userId, at, seq });
  }

  private startUnit(row: UnitRow): void {
    this.units.set(unitKey(row.account_id, row.product, row.kind, row.unit_id), row);
    this.touchedUnits.add(row);
  }

  /** The first recorded end of a unit (a later SessionExpired of an ended session changes nothing). */
  private endUnit(key: string, endedAt: number, seq: number): void {
    const row = this.units.get(key);
    if (!row || row.ended_at !== null) return;
    row.ended_at = endedAt;
    row.end_seq = seq;
    this.units.delete(key);
    this.touchedUnits.add(row);
  }

  async write(db: ReadModelDb<CapacityTables>): Promise<void> {
    await insertRows(db.kysely, db.table('capacity_units'), COLUMNS.capacity_units, [...this.touchedUnits], {
      conflict: sql`ON CONFLICT (account_id, product, kind, unit_id, started_at) DO UPDATE
        SET last_seen = excluded.last_seen, ended_at = excluded.ended_at, end_seq = excluded.end_seq`,
    });
    await insertRows(db.kysely, db.table('capacity_seats'), COLUMNS.capacity_seats, [...this.touchedSeats], {
      conflict: sql`ON CONFLICT (account_id, product, user_id, assigned_at) DO UPDATE
        SET unassigned_at = excluded.unassigned_at, unassign_seq = excluded.unassign_seq,
          activated_at = excluded.activated_at, activate_seq = excluded.activate_seq`,
    });
    await insertRows(db.kysely, db.table('capacity_denials'), COLUMNS.capacity_denials, this.denials);
    await insertRows(db.kysely, db.table('capacity_pool_changes'), COLUMNS.capacity_pool_changes, this.poolChanges);
    await insertRows(db.kysely, db.table('capacity_user_moves'), COLUMNS.capacity_user_moves, this.moves);
    await insertRows(db.kysely, db.table('capacity_activity'), COLUMNS.capacity_activity, [...this.activity.values()], {
      conflict: sql`ON CONFLICT DO NOTHING`,
    });
  }
}

type CapacityTable = Exclude<keyof CapacityTables, keyof UserDirectoryTables>;
const COLUMNS: { [T in CapacityTable]: ColumnTypes<CapacityTables[T]> } = {
  capacity_units: {
    account_id: 'text',
    product: 'text',
    kind: 'text',
    unit_id: 'text',
    user_id: 'text',
    org_id: 'text',
    draws_unit: 'boolean',
    started_at: 'bigint',
    start_seq: 'bigint',
    last_seen: 'bigint',
    ended_at: 'bigint',
    end_seq: 'bigint',
  },
  capacity_seats: {
    account_id: 'text',
    product: 'text',
    user_id: 'text',
    assigned_at: 'bigint',
    assign_seq: 'bigint',
    unassigned_at: 'bigint',
    unassign_seq: 'bigint',
    activated_at: 'bigint',
    activate_seq: 'bigint',
  },
  capacity_denials: { account_id: 'text', product: 'text', at: 'bigint', seq: 'bigint', attempt_id: 'text', user_id: 'text', org_id: 'text' },
  capacity_pool_changes: {
    account_id: 'text',
    product: 'text',
    seq: 'bigint',
    at: 'bigint',
    kind: 'text',
    purchase_id: 'text',
    org_id: 'text',
    quantity: 'integer',
    starts_at: 'bigint',
    expires_at: 'bigint',
  },
  capacity_user_moves: { account_id: 'text', user_id: 'text', seq: 'bigint', at: 'bigint', from_org_id: 'text', org_id: 'text' },
  capacity_activity: { account_id: 'text', product: 'text', user_id: 'text', at: 'bigint', seq: 'bigint' },
};

/** The tables of version 1 (its migration), in a new generation's schema. */
async function createCapacityTables(db: Kysely<unknown>): Promise<void> {
  await createDirectoryTables(db, 'users');
  await db.schema
    .createTable('capacity_units')
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('product', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('unit_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text')
    .addColumn('org_id', 'text')
    .addColumn('draws_unit', 'boolean', (c) => c.notNull())
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('start_seq', 'bigint', (c) => c.notNull())
    .addColumn('last_seen', 'bigint', (c) => c.notNull())
    .addColumn('ended_at', 'bigint')
    .addColumn('end_seq', 'bigint')
    .addPrimaryKeyConstraint('capacity_units_pkey', ['account_id', 'product', 'kind', 'unit_id', 'started_at'])
    .execute();
  await db.schema.createIndex('capacity_units_by_start').on('capacity_units').columns(['account_id', 'product', 'started_at']).execute();
  await db.schema
    .createIndex('capacity_units_open')
    .on('capacity_units')
    .columns(['account_id', 'product'])
    .where(sql.ref('ended_at'), 'is', null)
    .execute();
  await db.schema
    .createTable('capacity_denials')
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('product', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('attempt_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text')
    .addColumn('org_id', 'text')
    .execute();
  await db.schema.createIndex('capacity_denials_by_at').on('capacity_denials').columns(['account_id', 'product', 'at']).execute();
  await db.schema
    .createTable('capacity_pool_changes')
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('product', 'text', (c) => c.notNull())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('purchase_id', 'text')
    .addColumn('org_id', 'text')
    .addColumn('quantity', 'integer', (c) => c.notNull())
    .addColumn('starts_at', 'bigint')
    .addColumn('expires_at', 'bigint')
    .addPrimaryKeyConstraint('capacity_pool_changes_pkey', ['account_id', 'product', 'seq'])
    .execute();
  await db.schema
    .createTable('capacity_user_moves')
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('from_org_id', 'text', (c) => c.notNull())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('capacity_user_moves_pkey', ['account_id', 'seq'])
    .execute();
  await db.schema
    .createTable('capacity_seats')
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('product', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('assigned_at', 'bigint', (c) => c.notNull())
    .addColumn('assign_seq', 'bigint', (c) => c.notNull())
    .addColumn('unassigned_at', 'bigint')
    .addColumn('unassign_seq', 'bigint')
    .addColumn('activated_at', 'bigint')
    .addColumn('activate_seq', 'bigint')
    .addPrimaryKeyConstraint('capacity_seats_pkey', ['account_id', 'product', 'user_id', 'assigned_at'])
    .execute();
  await db.schema
    .createIndex('capacity_seats_open')
    .on('capacity_seats')
    .columns(['account_id', 'product', 'user_id'])
    .where(sql.ref('unassigned_at'), 'is', null)
    .execute();
  await db.schema
    .createTable('capacity_activity')
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('product', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('capacity_activity_pkey', ['account_id', 'product', 'user_id', 'at'])
    .execute();
}

interface UnitRef {
  readonly account_id: string;
  readonly product: string;
  readonly kind: UnitKind;
  readonly unit_id: string;
}

/** The open rows of the given units (a session or an application has at most one open at a time). */
async function loadOpenUnits(trx: Kysely<CapacityTables>, refs: readonly UnitRef[]): Promise<UnitRow[]> {
  const rows: UnitRow[] = [];
  for (let i = 0; i < refs.length; i += 1000) {
    const chunk = refs.slice(i, i + 1000);
    const k = sql<UnitRef>`unnest(${chunk.map((r) => r.account_id)}::text[], ${chunk.map((r) => r.product)}::text[],
      ${chunk.map((r) => r.kind)}::text[], ${chunk.map((r) => r.unit_id)}::text[])`.as<'k'>(sql`k(account_id, product, kind, unit_id)`);
    rows.push(
      ...(await trx
        .selectFrom('capacity_units as u')
        .innerJoin(k, (j) =>
          j
            .onRef('k.account_id', '=', 'u.account_id')
            .onRef('k.product', '=', 'u.product')
            .onRef('k.kind', '=', 'u.kind')
            .onRef('k.unit_id', '=', 'u.unit_id'),
        )
        .selectAll('u')
        .where('u.ended_at', 'is', null)
        .execute()),
    );
  }
  return rows;
}

/** The open tenures of the given seats. */
async function loadOpenSeats(
  trx: Kysely<CapacityTables>,
  refs: readonly { account_id: string; product: string; user_id: string }[],
): Promise<SeatRow[]> {
  const rows: SeatRow[] = [];
  for (let i = 0; i < refs.length; i += 1000) {
    const chunk = refs.slice(i, i + 1000);
    const k = sql<{ account_id: string; product: string; user_id: string }>`unnest(${chunk.map((r) => r.account_id)}::text[],
      ${chunk.map((r) => r.product)}::text[], ${chunk.map((r) => r.user_id)}::text[])`.as<'k'>(sql`k(account_id, product, user_id)`);
    rows.push(
      ...(await trx
        .selectFrom('capacity_seats as s')
        .innerJoin(k, (j) => j.onRef('k.account_id', '=', 's.account_id').onRef('k.product', '=', 's.product').onRef('k.user_id', '=', 's.user_id'))
        .selectAll('s')
        .where('s.unassigned_at', 'is', null)
        .execute()),
    );
  }
  return rows;
}
