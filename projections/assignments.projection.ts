import { sql, type Kysely, type Transaction } from 'kysely';
import { ACTIVE_USE_EVENT_TYPES, isActiveUse, type ActivityActions, type EventMap } from '../libs/domain/src/index.js';
import type { StoredEvent } from '../libs/event-store/src/event-store.js';
import { accountOf, occurredAt, type Projection, type ProjectionContext } from './projection.js';
import { applyDirectoryEvents, createDirectoryTables, DIRECTORY_EVENT_TYPES, type DirectoryTables } from './shared/directory-tables.js';
import { keyOf } from './shared/versioned-rows.js';

/**
 * `assignments` (SPEC §4.2): the current seats, the latest qualifying activity per user and product
 * (over all time, seat holder or not), and the current dedications (to name each seat's license
 * source as the tree stands now).
 */
export interface AssignmentTables {
  current_seats: { account_id: string; product: string; user_id: string; assigned_at: Date; activated_at: Date | null };
  last_active_use: { account_id: string; product: string; user_id: string; last_at: Date };
  current_dedications: { account_id: string; product: string; org_id: string; quantity: number };
}
export type AssignmentsTables = DirectoryTables & AssignmentTables;

const SEAT_EVENTS = ['SeatAssigned', 'SeatUnassigned', 'SeatActivated'] as const;

type Data<K extends keyof EventMap> = EventMap[K];

export class AssignmentsProjection implements Projection<AssignmentsTables> {
  readonly name = 'assignments';
  readonly version = 1;
  readonly rules = ['activityActions'] as const;
  readonly eventTypes: ReadonlySet<string> = new Set([...DIRECTORY_EVENT_TYPES, ...SEAT_EVENTS, ...ACTIVE_USE_EVENT_TYPES, 'LicensesDedicated']);

  async createTables(db: Kysely<AssignmentsTables>): Promise<void> {
    await createDirectoryTables(db, 'all');
    await db.schema.createTable('current_seats').ifNotExists()
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('product', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('assigned_at', 'timestamptz', (c) => c.notNull())
      .addColumn('activated_at', 'timestamptz')
      .addPrimaryKeyConstraint('current_seats_pk', ['account_id', 'product', 'user_id'])
      .execute();
    await db.schema.createIndex('current_seats_by_assignment').ifNotExists().on('current_seats')
      .columns(['account_id', 'product', 'assigned_at']).execute();
    await db.schema.createTable('last_active_use').ifNotExists()
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('product', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('last_at', 'timestamptz', (c) => c.notNull())
      .addPrimaryKeyConstraint('last_active_use_pk', ['account_id', 'product', 'user_id'])
      .execute();
    await db.schema.createTable('current_dedications').ifNotExists()
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('product', 'text', (c) => c.notNull())
      .addColumn('org_id', 'text', (c) => c.notNull())
      .addColumn('quantity', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('current_dedications_pk', ['account_id', 'product', 'org_id'])
      .execute();
    // Sort by name within an account; the project names of a page of users.
    await db.schema.createIndex('users_by_name').ifNotExists().on('users').columns(['account_id', 'full_name']).execute();
    await db.schema.createIndex('project_members_by_user').ifNotExists().on('project_members').columns(['account_id', 'user_id']).execute();
  }

  async apply(trx: Transaction<AssignmentsTables>, events: readonly StoredEvent[], context: ProjectionContext): Promise<void> {
    await applyDirectoryEvents(trx, events);
    await applySeats(trx, events);
    await applyUse(trx, events, context.activityActions);
    await applyDedications(trx, events);
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
  activateStored: Date | null;
  /** The seat the batch leaves, if it assigned one. */
  row: AssignmentTables['current_seats'] | null;
}

async function applySeats(trx: Transaction<AssignmentsTables>, events: readonly StoredEvent[]): Promise<void> {
  const changes = new Map<string, SeatChange>();
  for (const e of events) {
    if (!(SEAT_EVENTS as readonly string[]).includes(e.type)) continue;
    const account_id = accountOf(e);
    const { product, userId: user_id } = e.data as Data<'SeatAssigned'>;
    const key = keyOf(account_id, product, user_id);
    let change = changes.get(key);
    if (!change) changes.set(key, (change = { account_id, product, user_id, removeStored: false, activateStored: null, row: null }));
    const at = new Date(occurredAt(e));
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
  const db = trx as Kysely<AssignmentsTables>;

  const activations = all.filter((c) => c.activateStored !== null && !c.removeStored);
  if (activations.length > 0) {
    // Activations of seats assigned in an earlier batch, all in one statement.
    const activated = sql<{ account_id: string; product: string; user_id: string; at: Date }>`unnest(
      ${activations.map((c) => c.account_id)}::text[], ${activations.map((c) => c.product)}::text[],
      ${activations.map((c) => c.user_id)}::text[], ${activations.map((c) => c.activateStored!.toISOString())}::timestamptz[])`
      .as<'a'>(sql`a(account_id, product, user_id, at)`);
    await (db as Kysely<any>).updateTable('current_seats as s').from(activated)
      .set({ activated_at: sql`coalesce(s.activated_at, a.at)` })
      .whereRef('s.account_id', '=', 'a.account_id').whereRef('s.product', '=', 'a.product').whereRef('s.user_id', '=', 'a.user_id')
      .execute();
  }
  const removed = all.filter((c) => c.removeStored);
  for (let i = 0; i < removed.length; i += 500) {
    const chunk = removed.slice(i, i + 500);
    await db.deleteFrom('current_seats')
      .where((eb) => eb.or(chunk.map((c) => eb.and([eb('account_id', '=', c.account_id), eb('product', '=', c.product), eb('user_id', '=', c.user_id)]))))
      .execute();
  }
  const rows = all.flatMap((c) => (c.row ? [c.row] : []));
  for (let i = 0; i < rows.length; i += 1000) {
    await db.insertInto('current_seats').values(rows.slice(i, i + 1000))
      .onConflict((oc) => oc.columns(['account_id', 'product', 'user_id']).doUpdateSet((eb) => ({
        assigned_at: eb.ref('excluded.assigned_at'), activated_at: eb.ref('excluded.activated_at'),
      })))
      .execute();
  }
}

/** The latest qualifying use per user and product (`isActiveUse`: which activity counts is a rule). */
async function applyUse(trx: Transaction<AssignmentsTables>, events: readonly StoredEvent[], actions: ActivityActions): Promise<void> {
  const latest = new Map<string, AssignmentTables['last_active_use']>();
  for (const e of events) {
    if (!isActiveUse(e.type, e.data as { action?: unknown }, actions)) continue;
    const account_id = accountOf(e);
    const { product, userId: user_id } = e.data as Data<'UserLoggedIn'>;
    const key = keyOf(account_id, product, user_id);
    const at = new Date(occurredAt(e));
    const known = latest.get(key);
    if (!known || known.last_at < at) latest.set(key, { account_id, product, user_id, last_at: at });
  }
  const rows = [...latest.values()];
  for (let i = 0; i < rows.length; i += 1000) {
    await (trx as Kysely<AssignmentsTables>).insertInto('last_active_use').values(rows.slice(i, i + 1000))
      .onConflict((oc) => oc.columns(['account_id', 'product', 'user_id']).doUpdateSet({
        last_at: sql`greatest(last_active_use.last_at, excluded.last_at)`,
      }))
      .execute();
  }
}

async function applyDedications(trx: Transaction<AssignmentsTables>, events: readonly StoredEvent[]): Promise<void> {
  const latest = new Map<string, AssignmentTables['current_dedications']>();
  for (const e of events) {
    if (e.type !== 'LicensesDedicated') continue;
    const account_id = accountOf(e);
    const d = e.data as Data<'LicensesDedicated'>;
    latest.set(keyOf(account_id, d.product, d.orgId), { account_id, product: d.product, org_id: d.orgId, quantity: d.quantity });
  }
  if (latest.size === 0) return;
  await (trx as Kysely<AssignmentsTables>).insertInto('current_dedications').values([...latest.values()])
    .onConflict((oc) => oc.columns(['account_id', 'product', 'org_id']).doUpdateSet((eb) => ({ quantity: eb.ref('excluded.quantity') })))
    .execute();
}
