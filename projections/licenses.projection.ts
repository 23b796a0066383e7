import { sql } from 'kysely';
import { deleteRows, insertRows, unnestRows, updateOnConflict, type ColumnTypes } from '../libs/database/src/bulk-rows.js';
import { sessionDrawsUnit } from '../libs/domain/src/rules/units.js';
import type { StoredLedgerEvent } from '../libs/event-store/src/stored-ledger-event.js';
import type { ReadModelDb } from './engine/read-model-db.js';
import { COLUMNS, createLicensesTables, HOLDING_TABLES, type ChangedTable, type Holder, type LicensesTables, type Row } from './licenses.tables.js';

export type { HoldingTable, LicensesTables } from './licenses.tables.js';
import { accountOf, occurredAt, type Projection, type ProjectionContext } from './projection.js';
import { applyDirectoryEvents, USER_DIRECTORY_EVENT_TYPES, type UserDirectoryTables } from './shared/directory-tables.js';
import { USER_KEY_COLUMNS } from './shared/batch-directory.js';

/**
 * `licenses` — the current license holdings of every account, per product: purchases (as amended),
 * dedications, seats, sessions not yet ended or expired by an event, offline licenses, registered
 * machines and active TrueTest applications. Serves the license overview (SPEC §4.7) at now: pool
 * figures are computed at query time from these rows and the directory, as the tree stands, the way
 * the write side computes them (libs/domain/src/pools.ts).
 *
 * Every holding carries its holder's organization as the directory stands (seats also the name and
 * email), kept current when the user moves: the overview reads each list from one table, with no
 * join and no sort in the database (at 10,000 seats those were most of its time).
 *
 * Instants are epoch milliseconds (bigint).
 */
const HOLDING_EVENT_TYPES = [
  'LicensesPurchased',
  'PurchaseAmended',
  'LicensesDedicated',
  'SeatAssigned',
  'SeatUnassigned',
  'SessionStarted',
  'SessionHeartbeatRecorded',
  'SessionEnded',
  'SessionExpired',
  'OfflineLicenseGenerated',
  'MachineRegistered',
  'MachineDeactivated',
  'ApplicationActivated',
  'ApplicationReleased',
] as const;

/** Final state per key of one table in a batch: a row to upsert, or null to delete. */
class Changes<T extends ChangedTable> {
  readonly rows = new Map<string, Row<T> | null>();
  constructor(
    readonly table: T,
    readonly keyColumns: readonly (keyof Row<T> & string)[],
  ) {}
  key(row: Partial<Row<T>>): string {
    return this.keyColumns.map((c) => String(row[c])).join('\u0000');
  }
  set(row: Row<T>): void {
    this.rows.set(this.key(row), row);
  }
  remove(keyRow: Partial<Row<T>>): void {
    this.rows.set(this.key(keyRow), null);
  }
  get(keyRow: Partial<Row<T>>): Row<T> | null | undefined {
    return this.rows.get(this.key(keyRow));
  }

  /** Deletes the removed rows and upserts the others, set-wise. */
  async write(db: ReadModelDb<LicensesTables>): Promise<void> {
    const columns = COLUMNS[this.table] as ColumnTypes<Row<T>>;
    const upserts: Row<T>[] = [];
    const deletes: Record<string, string>[] = [];
    for (const [k, row] of this.rows) {
      if (row) upserts.push(row);
      else deletes.push(Object.fromEntries(k.split('\u0000').map((part, i) => [this.keyColumns[i]!, part])));
    }
    const keyTypes = Object.fromEntries(this.keyColumns.map((c) => [c, columns[c]])) as ColumnTypes<Record<string, string>>;
    await deleteRows(db.kysely, db.table(this.table), keyTypes, deletes);
    await insertRows(db.kysely, db.table(this.table), columns, upserts, { conflict: updateOnConflict(columns, this.keyColumns) });
  }
}

export class LicensesProjection implements Projection<LicensesTables> {
  readonly name = 'licenses';
  readonly version = 2;
  /** Its tables are keyed by account and each account folds on its own: projector processes may share it. */
  readonly partitionable = true;
  /** Depends on none of the configured rules (the lease is applied when reports are read). */
  readonly rules = [] as const;
  readonly eventTypes: ReadonlySet<string> = new Set<string>([...USER_DIRECTORY_EVENT_TYPES, ...HOLDING_EVENT_TYPES]);

  readonly migrations = { 'v2-tables': { up: createLicensesTables } };

  async apply(db: ReadModelDb<LicensesTables>, events: readonly StoredLedgerEvent[], _context: ProjectionContext): Promise<void> {
    await applyDirectoryEvents(db.part<UserDirectoryTables>(), events);
    const purchases = new Changes('purchases', ['account_id', 'purchase_id']);
    const dedications = new Changes('dedications', ['account_id', 'product', 'org_id']);
    const seats = new Changes('seats', ['account_id', 'product', 'user_id']);
    const sessions = new Changes('open_sessions', ['account_id', 'session_id']);
    const offline = new Changes('offline_licenses', ['account_id', 'product', 'machine_id', 'generated_at']);
    const machines = new Changes('machines', ['account_id', 'product', 'machine_id']);
    const applications = new Changes('active_applications', ['account_id', 'application_id']);
    /** Heartbeats of sessions opened in an earlier batch: account\0session → last seen. */
    const heartbeats = new Map<string, { account_id: string; session_id: string; last_seen: number }>();
    await preloadAmendedPurchases(db, events, purchases);

    for (const e of events) {
      const account_id = accountOf(e);
      const at = occurredAt(e);
      switch (e.type) {
        case 'LicensesPurchased': {
          const d = e.data;
          purchases.set({
            account_id,
            purchase_id: d.purchaseId,
            product: d.product,
            quantity: d.quantity,
            starts_at: Date.parse(d.startsAt),
            expires_at: Date.parse(d.expiresAt),
            recorded_at: at,
            machine_quota: d.machineQuota,
          });
          break;
        }
        case 'PurchaseAmended': {
          const d = e.data;
          const current = purchases.get({ account_id, purchase_id: d.purchaseId });
          if (!current) break;
          purchases.set({ ...current, quantity: d.quantity, expires_at: Date.parse(d.expiresAt), machine_quota: d.machineQuota });
          break;
        }
        case 'LicensesDedicated': {
          const d = e.data;
          if (d.quantity > 0) dedications.set({ account_id, product: d.product, org_id: d.orgId, quantity: d.quantity });
          else dedications.remove({ account_id, product: d.product, org_id: d.orgId });
          break;
        }
        case 'SeatAssigned': {
          const d = e.data;
          seats.set({ account_id, product: d.product, user_id: d.userId, assigned_at: at, org_id: null, full_name: null, email: null });
          break;
        }
        case 'SeatUnassigned': {
          const d = e.data;
          seats.remove({ account_id, product: d.product, user_id: d.userId });
          break;
        }
        case 'SessionStarted': {
          const d = e.data;
          sessions.set({
            account_id,
            session_id: d.sessionId,
            product: d.product,
            user_id: d.userId,
            machine_id: d.machineId,
            license_type: d.licenseType,
            draws_unit: sessionDrawsUnit(d.product, d.licenseType),
            started_at: at,
            last_seen: at,
            org_id: null,
          });
          break;
        }
        case 'SessionHeartbeatRecorded': {
          const d = e.data;
          const row = sessions.get({ account_id, session_id: d.sessionId });
          if (row) row.last_seen = at;
          else if (row === undefined) heartbeats.set(`${account_id}\u0000${d.sessionId}`, { account_id, session_id: d.sessionId, last_seen: at });
          break;
        }
        case 'SessionEnded':
        case 'SessionExpired': {
          const d = e.data;
          sessions.remove({ account_id, session_id: d.sessionId });
          heartbeats.delete(`${account_id}\u0000${d.sessionId}`);
          break;
        }
        case 'OfflineLicenseGenerated': {
          const d = e.data;
          offline.set({
            account_id,
            product: d.product,
            user_id: d.userId,
            machine_id: d.machineId,
            generated_at: at,
            expires_at: Date.parse(d.expiresAt),
            license_source: d.licenseSource,
            org_id: null,
          });
          break;
        }
        case 'MachineRegistered': {
          const d = e.data;
          machines.set({ account_id, product: d.product, machine_id: d.machineId, user_id: d.userId, registered_at: at, org_id: null });
          break;
        }
        case 'MachineDeactivated': {
          const d = e.data;
          machines.remove({ account_id, product: d.product, machine_id: d.machineId });
          break;
        }
        case 'ApplicationActivated': {
          const d = e.data;
          applications.set({ account_id, application_id: d.applicationId, activated_at: at });
          break;
        }
        case 'ApplicationReleased': {
          const d = e.data;
          applications.remove({ account_id, application_id: d.applicationId });
          break;
        }
      }
    }

    await fillHolders(db, seats, [sessions, offline, machines]);
    for (const changes of [purchases, dedications, seats, sessions, offline, machines, applications]) await changes.write(db);
    await refreshMovedHolders(db, events);
    await bumpHoldingVersions(db, events);
    if (heartbeats.size > 0) {
      const beats = unnestRows({ account_id: 'text', session_id: 'text', last_seen: 'bigint' }, [...heartbeats.values()], 'h');
      await sql`
        UPDATE ${db.table('open_sessions')} AS s SET last_seen = greatest(s.last_seen, h.last_seen) FROM ${beats}
        WHERE s.account_id = h.account_id AND s.session_id = h.session_id`.execute(db.kysely);
    }
  }
}

export const licensesProjection = new LicensesProjection();

/**
 * Gives the holdings written by the batch their holders' directory columns, as `users` stands after
 * the batch (its directory events are applied first).
 */
async function fillHolders(
  db: ReadModelDb<LicensesTables>,
  seats: Changes<'seats'>,
  others: readonly { readonly rows: ReadonlyMap<string, Holder | null> }[],
): Promise<void> {
  const holdings = [seats, ...others].flatMap((changes): (Holder | null)[] => [...changes.rows.values()]).filter((row) => row !== null);
  if (holdings.length === 0) return;
  const holders = [...new Map(holdings.map((h) => [holderKey(h), h])).values()];
  const { rows: users } = await sql<LicensesTables['users']>`
    SELECT u.account_id, u.user_id, u.org_id, u.full_name, u.email FROM ${db.table('users')} AS u
    JOIN ${unnestRows(USER_KEY_COLUMNS, holders)} ON u.account_id = k.account_id AND u.user_id = k.user_id`.execute(db.kysely);
  const byKey = new Map(users.map((u) => [holderKey(u), u]));
  for (const row of seats.rows.values()) {
    const user = row && byKey.get(holderKey(row));
    if (user) Object.assign(row, { org_id: user.org_id, full_name: user.full_name, email: user.email });
  }
  for (const changes of others) {
    for (const row of changes.rows.values()) {
      const user = row && byKey.get(holderKey(row));
      if (user) row.org_id = user.org_id;
    }
  }
}

const holderKey = (row: { account_id: string; user_id: string }) => `${row.account_id}\u0000${row.user_id}`;

/** The stored holdings of users the batch moves follow them to their organization after the batch. */
async function refreshMovedHolders(db: ReadModelDb<LicensesTables>, events: readonly StoredLedgerEvent[]): Promise<void> {
  const moved = new Map<string, { account_id: string; user_id: string }>();
  for (const e of events) {
    if (e.type !== 'UserMoved') continue;
    const user = { account_id: accountOf(e), user_id: e.data.userId };
    moved.set(holderKey(user), user);
  }
  if (moved.size === 0) return;
  const keys = [...moved.values()];
  for (const table of HOLDING_TABLES) {
    await sql`
      UPDATE ${db.table(table)} AS h SET org_id = u.org_id
      FROM ${unnestRows(USER_KEY_COLUMNS, keys)}, ${db.table('users')} AS u
      WHERE h.account_id = k.account_id AND h.user_id = k.user_id AND u.account_id = k.account_id AND u.user_id = k.user_id
        AND h.org_id IS DISTINCT FROM u.org_id`.execute(db.kysely);
  }
}

/** The event types that change what `holding_versions` stands for. */
const VERSIONED_HOLDING_EVENT_TYPES: ReadonlySet<string> = new Set([
  'SeatAssigned',
  'SeatUnassigned',
  'OfflineLicenseGenerated',
  'MachineRegistered',
  'MachineDeactivated',
  'UserMoved',
]);

/**
 * Bumps the holding version of every account whose seats, offline licenses or machines the batch
 * changes: the overview keeps those lists in memory while the version stands (sessions, heartbeats
 * and purchases are read anew each time, so they need no bump).
 */
async function bumpHoldingVersions(db: ReadModelDb<LicensesTables>, events: readonly StoredLedgerEvent[]): Promise<void> {
  const accounts = new Set(events.filter((e) => VERSIONED_HOLDING_EVENT_TYPES.has(e.type)).map(accountOf));
  await insertRows(
    db.kysely,
    db.table('holding_versions'),
    { account_id: 'text', version: 'bigint' },
    [...accounts].map((account_id) => ({ account_id, version: 1 })),
    {
      as: 'v',
      conflict: sql`ON CONFLICT (account_id) DO UPDATE SET version = v.version + 1`,
    },
  );
}

/** Purchases amended in the batch but bought in an earlier one: the amendment needs the whole row. */
async function preloadAmendedPurchases(
  db: ReadModelDb<LicensesTables>,
  events: readonly StoredLedgerEvent[],
  purchases: Changes<'purchases'>,
): Promise<void> {
  const wanted = new Map<string, Set<string>>();
  for (const e of events) {
    if (e.type !== 'PurchaseAmended') continue;
    const ids = wanted.get(accountOf(e)) ?? new Set<string>();
    ids.add(e.data.purchaseId);
    wanted.set(accountOf(e), ids);
  }
  for (const [accountId, ids] of wanted) {
    const rows = await db.kysely
      .selectFrom('purchases')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('purchase_id', 'in', [...ids])
      .execute();
    for (const row of rows) purchases.set(row);
  }
}
