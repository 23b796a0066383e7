import { sql, type Kysely } from 'kysely';
import { deleteRows, insertRows, unnestRows, updateOnConflict, type ColumnTypes } from '../libs/database/src/bulk-rows.js';
import { ACTIVE_USE_EVENT_TYPES, isActiveUseEvent, type ActivityActions } from '../libs/domain/src/index.js';
import type { StoredLedgerEvent } from '../libs/event-store/src/stored-ledger-event.js';
import type { EpochMs, ReadModelDb } from './engine/read-model-db.js';
import { accountOf, occurredAt, type Projection, type ProjectionContext } from './projection.js';
import { applyDirectoryEvents, createDirectoryTables, DIRECTORY_EVENT_TYPES, type DirectoryTables } from './shared/directory-tables.js';
import { keyOf } from './shared/versioned-rows.js';

/**
 * `assignments` (SPEC §4.2): the current seats, the latest qualifying activity per user and product
 * (over all time, seat holder or not), and the current dedications (to name each seat's license
 * source as the tree stands now).
 */
export interface AssignmentTables {
  current_seats: { account_id: string; product: string; user_id: string; assigned_at: EpochMs; activated_at: EpochMs | null };
  last_active_use: { account_id: string; product: string; user_id: string; last_at: EpochMs };
  current_dedications: { account_id: string; product: string; org_id: string; quantity: number };
}
export type AssignmentsTables = DirectoryTables & AssignmentTables;

const SEAT_EVENTS = ['SeatAssigned', 'SeatUnassigned', 'SeatActivated'] as const;

export class AssignmentsProjection implements Projection<AssignmentsTables> {
  readonly name = 'assignments';
  /** 2: instants as epoch milliseconds (bigint), like every read model. */
  readonly version = 2;
  /** Its tables are keyed by account and each account folds on its own: projector processes may share it. */
  readonly partitionable = true;
  readonly rules = ['activityActions'] as const;
  readonly eventTypes: ReadonlySet<string> = new Set([...DIRECTORY_EVENT_TYPES, ...SEAT_EVENTS, ...ACTIVE_USE_EVENT_TYPES, 'LicensesDedicated']);

  readonly migrations = {
    'v2-tables': {
      async up(db: Kysely<unknown>): Promise<void> {
        await createDirectoryTables(db, 'all');
        await db.schema
          .createTable('current_seats')
          .addColumn('account_id', 'text', (c) => c.notNull())
          .addColumn('product', 'text', (c) => c.notNull())
          .addColumn('user_id', 'text', (c) => c.notNull())
          .addColumn('assigned_at', 'bigint', (c) => c.notNull())
          .addColumn('activated_at', 'bigint')
          .addPrimaryKeyConstraint('current_seats_pk', ['account_id', 'product', 'user_id'])
          .execute();
        await db.schema.createIndex('current_seats_by_assignment').on('current_seats').columns(['account_id', 'product', 'assigned_at']).execute();
        await db.schema
          .createTable('last_active_use')
          .addColumn('account_id', 'text', (c) => c.notNull())
          .addColumn('product', 'text', (c) => c.notNull())
          .addColumn('user_id', 'text', (c) => c.notNull())
          .addColumn('last_at', 'bigint', (c) => c.notNull())
          .addPrimaryKeyConstraint('last_active_use_pk', ['account_id', 'product', 'user_id'])
          .execute();
        await db.schema
          .createTable('current_dedications')
          .addColumn('account_id', 'text', (c) => c.notNull())
          .addColumn('product', 'text', (c) => c.notNull())
          .addColumn('org_id', 'text', (c) => c.notNull())
          .addColumn('quantity', 'bigint', (c) => c.notNull())
          .addPrimaryKeyConstraint('current_dedications_pk', ['account_id', 'product', 'org_id'])
          .execute();
        // Sort by name within an account; the project names of a page of users.
        await db.schema.createIndex('users_by_name').on('users').columns(['account_id', 'full_name']).execute();
        await db.schema.createIndex('project_members_by_user').on('project_members').columns(['account_id', 'user_id']).execute();
      },
    },
  };

  async apply(db: ReadModelDb<AssignmentsTables>, events: readonly StoredLedgerEvent[], context: ProjectionContext): Promise<void> {
    await applyDirectoryEvents(db.part<DirectoryTables>(), events);
    await applySeats(db, events);
    await applyUse(db, events, context.activityActions);
    await applyDedications(db, events);
  }
}

export const assignmentsProjection = new AssignmentsProjection();

interface SeatChange {
  readonly account_id: string;
  readonly product: string;
  readonly user_id: string;
  /** An assignment stored before the batch was ended by it. */
  removeStored: boolean;
  /** Activation of the seat stored before the batch (it was not ended before). */
  activateStored: number | null;
  /** The seat the batch leaves, if it assigned one. */
  row: AssignmentTables['current_seats'] | null;
}

async function applySeats(db: ReadModelDb<AssignmentsTables>, events: readonly StoredLedgerEvent[]): Promise<void> {
  const changes = new Map<string, SeatChange>();
  for (const e of events) {
    if (e.type !== 'SeatAssigned' && e.type !== 'SeatUnassigned' && e.type !== 'SeatActivated') continue;
    const account_id = accountOf(e);
    const { product, userId: user_id } = e.data;
    const key = keyOf(account_id, product, user_id);
    let change = changes.get(key);
    if (!change) changes.set(key, (change = { account_id, product, user_id, removeStored: false, activateStored: null, row: null }));
    const at = occurredAt(e);
    if (e.type === 'SeatAssigned') {
      change.row = { account_id, product, user_id, assigned_at: at, activated_at: null };
    } else if (e.type === 'SeatUnassigned') {
      if (change.row) change.row = null;
      else change.removeStored = true;
    } else if (change.row) {
      change.row.activated_at ??= at;
    } else if (!change.removeStored) {
      change.activateStored ??= at;
    }
  }
  if (changes.size === 0) return;
  const all = [...changes.values()];

  const activations = all.filter((c) => c.activateStored !== null && !c.removeStored);
  if (activations.length > 0) {
    // Activations of seats assigned in an earlier batch, all in one statement.
    const activated = unnestRows(
      { account_id: 'text', product: 'text', user_id: 'text', at: 'bigint' },
      activations.map((c) => ({ ...c, at: c.activateStored })),
      'a',
    );
    await sql`UPDATE ${db.table('current_seats')} AS s SET activated_at = coalesce(s.activated_at, a.at) FROM ${activated}
      WHERE s.account_id = a.account_id AND s.product = a.product AND s.user_id = a.user_id`.execute(db.kysely);
  }
  await deleteRows(
    db.kysely,
    db.table('current_seats'),
    SEAT_KEY,
    all.filter((c) => c.removeStored),
  );
  await insertRows(
    db.kysely,
    db.table('current_seats'),
    SEAT_COLUMNS,
    all.flatMap((c) => (c.row ? [c.row] : [])),
    {
      conflict: updateOnConflict(SEAT_COLUMNS, ['account_id', 'product', 'user_id']),
    },
  );
}

const SEAT_KEY = { account_id: 'text', product: 'text', user_id: 'text' } as const;
const SEAT_COLUMNS: ColumnTypes<AssignmentTables['current_seats']> = { ...SEAT_KEY, assigned_at: 'bigint', activated_at: 'bigint' };

/** The latest qualifying use per user and product (`isActiveUseEvent`: which activity counts is a rule). */
async function applyUse(db: ReadModelDb<AssignmentsTables>, events: readonly StoredLedgerEvent[], actions: ActivityActions): Promise<void> {
  const latest = new Map<string, AssignmentTables['last_active_use']>();
  for (const e of events) {
    if (!isActiveUseEvent(e, actions)) continue;
    const account_id = accountOf(e);
    const { product, userId: user_id } = e.data;
    const key = keyOf(account_id, product, user_id);
    const at = occurredAt(e);
    const known = latest.get(key);
    if (!known || Number(known.last_at) < at) latest.set(key, { account_id, product, user_id, last_at: at });
  }
  await insertRows(db.kysely, db.table('last_active_use'), { ...SEAT_KEY, last_at: 'bigint' }, [...latest.values()], {
    as: 'l',
    conflict: sql`ON CONFLICT (account_id, product, user_id) DO UPDATE SET last_at = greatest(l.last_at, excluded.last_at)`,
  });
}

async function applyDedications(db: ReadModelDb<AssignmentsTables>, events: readonly StoredLedgerEvent[]): Promise<void> {
  const latest = new Map<string, AssignmentTables['current_dedications']>();
  for (const e of events) {
    if (e.type !== 'LicensesDedicated') continue;
    const account_id = accountOf(e);
    const d = e.data;
    latest.set(keyOf(account_id, d.product, d.orgId), { account_id, product: d.product, org_id: d.orgId, quantity: d.quantity });
  }
  const columns = { account_id: 'text', product: 'text', org_id: 'text', quantity: 'bigint' } as const;
  await insertRows(db.kysely, db.table('current_dedications'), columns, [...latest.values()], {
    conflict: updateOnConflict(columns, ['account_id', 'product', 'org_id']),
  });
}
