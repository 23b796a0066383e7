import { sql, type Kysely, type Transaction } from 'kysely';
import type { EventMap } from '../libs/domain/src/events.js';
import { modelOf } from '../libs/domain/src/products.js';
import type { StoredEvent } from '../libs/event-store/src/event-store.js';
import { accountOf, occurredAt, type Projection, type ProjectionContext } from './projection.js';
import {
  applyDirectoryEvents, createDirectoryTables, USER_DIRECTORY_EVENT_TYPES, type UserDirectoryTables,
} from './shared/directory-tables.js';
import { insertChunked, runStatements, tableRefs } from './shared/usage-history.js';

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
export interface LicensesTables extends UserDirectoryTables {
  purchases: {
    account_id: string; purchase_id: string; product: string; quantity: number; starts_at: number | string; expires_at: number | string;
    recorded_at: number | string; machine_quota: number | null;
  };
  dedications: { account_id: string; product: string; org_id: string; quantity: number };
  seats: Holder & { product: string; assigned_at: number | string; full_name: string | null; email: string | null };
  open_sessions: Holder & {
    session_id: string; product: string; machine_id: string; license_type: string; draws_unit: boolean; started_at: number | string;
    last_seen: number | string;
  };
  offline_licenses: Holder & {
    product: string; machine_id: string; generated_at: number | string; expires_at: number | string; license_source: string;
  };
  machines: Holder & { product: string; machine_id: string; registered_at: number | string };
  active_applications: { account_id: string; application_id: string; activated_at: number | string };
  /** Bumped by every batch that changes the account's seats, offline licenses or machines, or moves a holder. */
  holding_versions: { account_id: string; version: number | string };
}

/** A holding's holder: the user, and the user's organization now (null while the user is not in the directory). */
interface Holder {
  account_id: string;
  user_id: string;
  org_id: string | null;
}

type Row<T extends keyof LicensesTables> = LicensesTables[T];
const HOLDING_TABLES = ['seats', 'open_sessions', 'offline_licenses', 'machines'] as const;
export type HoldingTable = (typeof HOLDING_TABLES)[number];

const HOLDING_EVENT_TYPES = [
  'LicensesPurchased', 'PurchaseAmended', 'LicensesDedicated', 'SeatAssigned', 'SeatUnassigned', 'SessionStarted',
  'SessionHeartbeatRecorded', 'SessionEnded', 'SessionExpired', 'OfflineLicenseGenerated', 'MachineRegistered', 'MachineDeactivated',
  'ApplicationActivated', 'ApplicationReleased',
] as const;

/** Final state per key of one table in a batch: a row to upsert, or null to delete. */
class Changes<T extends keyof LicensesTables> {
  readonly rows = new Map<string, Row<T> | null>();
  constructor(readonly table: T, readonly keyColumns: readonly (keyof Row<T> & string)[]) {}
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

  async write(trx: Transaction<LicensesTables>): Promise<void> {
    const upserts: Row<T>[] = [];
    const deletes: string[][] = this.keyColumns.map(() => []);
    for (const [k, row] of this.rows) {
      if (row) upserts.push(row);
      else k.split('\u0000').forEach((part, i) => deletes[i]!.push(part));
    }
    const t = tableRefs(trx, [this.table]);
    if (deletes[0]!.length > 0) {
      const columns = sql.join(this.keyColumns.map((c) => sql.ref(c)));
      const arrays = sql.join(deletes.map((values) => sql`${values}::text[]`));
      await sql`DELETE FROM ${t[this.table]} WHERE (${columns}) IN (SELECT * FROM unnest(${arrays}))`.execute(trx);
    }
    await insertChunked(upserts, 1000, async (chunk) => {
      const columns = Object.keys(chunk[0]!);
      const updates = columns.filter((c) => !this.keyColumns.includes(c as never));
      await sql`
        INSERT INTO ${t[this.table]} (${sql.join(columns.map((c) => sql.ref(c)))})
        VALUES ${sql.join(chunk.map((row) => sql`(${sql.join(columns.map((c) => (row as Record<string, unknown>)[c]))})`))}
        ON CONFLICT (${sql.join(this.keyColumns.map((c) => sql.ref(c)))})
        ${updates.length > 0 ? sql`DO UPDATE SET ${sql.join(updates.map((c) => sql`${sql.ref(c)} = excluded.${sql.ref(c)}`))}` : sql`DO NOTHING`}`
        .execute(trx);
    });
  }
}

export class LicensesProjection implements Projection<LicensesTables> {
  readonly name = 'licenses';
  readonly version = 2;
  /** Depends on none of the configured rules (the lease is applied when reports are read). */
  readonly rules = [] as const;
  readonly eventTypes: ReadonlySet<string> = new Set<string>([...USER_DIRECTORY_EVENT_TYPES, ...HOLDING_EVENT_TYPES]);

  async createTables(db: Kysely<LicensesTables>): Promise<void> {
    await createDirectoryTables(db, 'users');
    const t = tableRefs(db, ['purchases', 'dedications', 'seats', 'open_sessions', 'offline_licenses', 'machines', 'active_applications', 'holding_versions']);
    await runStatements(db, [
      sql`CREATE TABLE IF NOT EXISTS ${t.purchases} (
        account_id text NOT NULL, purchase_id text NOT NULL, product text NOT NULL, quantity integer NOT NULL, starts_at bigint NOT NULL,
        expires_at bigint NOT NULL, recorded_at bigint NOT NULL, machine_quota integer, PRIMARY KEY (account_id, purchase_id))`,
      sql`CREATE TABLE IF NOT EXISTS ${t.dedications} (
        account_id text NOT NULL, product text NOT NULL, org_id text NOT NULL, quantity integer NOT NULL,
        PRIMARY KEY (account_id, product, org_id))`,
      sql`CREATE TABLE IF NOT EXISTS ${t.seats} (
        account_id text NOT NULL, product text NOT NULL, user_id text NOT NULL, assigned_at bigint NOT NULL, org_id text,
        full_name text, email text, PRIMARY KEY (account_id, product, user_id))`,
      sql`CREATE TABLE IF NOT EXISTS ${t.open_sessions} (
        account_id text NOT NULL, session_id text NOT NULL, product text NOT NULL, user_id text NOT NULL, machine_id text NOT NULL,
        license_type text NOT NULL, draws_unit boolean NOT NULL, started_at bigint NOT NULL, last_seen bigint NOT NULL, org_id text,
        PRIMARY KEY (account_id, session_id))`,
      sql`CREATE INDEX IF NOT EXISTS open_sessions_by_product ON ${t.open_sessions} (account_id, product)`,
      sql`CREATE TABLE IF NOT EXISTS ${t.offline_licenses} (
        account_id text NOT NULL, product text NOT NULL, user_id text NOT NULL, machine_id text NOT NULL, generated_at bigint NOT NULL,
        expires_at bigint NOT NULL, license_source text NOT NULL, org_id text, PRIMARY KEY (account_id, product, machine_id, generated_at))`,
      sql`CREATE TABLE IF NOT EXISTS ${t.machines} (
        account_id text NOT NULL, product text NOT NULL, machine_id text NOT NULL, user_id text NOT NULL, registered_at bigint NOT NULL,
        org_id text, PRIMARY KEY (account_id, product, machine_id))`,
      sql`CREATE TABLE IF NOT EXISTS ${t.active_applications} (
        account_id text NOT NULL, application_id text NOT NULL, activated_at bigint NOT NULL, PRIMARY KEY (account_id, application_id))`,
      sql`CREATE TABLE IF NOT EXISTS ${t.holding_versions} (account_id text PRIMARY KEY, version bigint NOT NULL)`,
      // A moved user's holdings are found by holder (refreshMovedHolders).
      ...HOLDING_TABLES.map((table) => sql`CREATE INDEX IF NOT EXISTS ${sql.id(`${table}_by_holder`)} ON ${t[table]} (account_id, user_id)`),
    ]);
  }

  async apply(trx: Transaction<LicensesTables>, events: readonly StoredEvent[], _context: ProjectionContext): Promise<void> {
    await applyDirectoryEvents(trx, events);
    const purchases = new Changes('purchases', ['account_id', 'purchase_id']);
    const dedications = new Changes('dedications', ['account_id', 'product', 'org_id']);
    const seats = new Changes('seats', ['account_id', 'product', 'user_id']);
    const sessions = new Changes('open_sessions', ['account_id', 'session_id']);
    const offline = new Changes('offline_licenses', ['account_id', 'product', 'machine_id', 'generated_at']);
    const machines = new Changes('machines', ['account_id', 'product', 'machine_id']);
    const applications = new Changes('active_applications', ['account_id', 'application_id']);
    /** Heartbeats of sessions opened in an earlier batch: account\0session → last seen. */
    const heartbeats = new Map<string, { account_id: string; session_id: string; last_seen: number }>();
    await preloadAmendedPurchases(trx, events, purchases);

    for (const e of events) {
      const account_id = accountOf(e);
      const at = occurredAt(e);
      switch (e.type) {
        case 'LicensesPurchased': {
          const d = e.data as unknown as EventMap['LicensesPurchased'];
          purchases.set({
            account_id, purchase_id: d.purchaseId, product: d.product, quantity: d.quantity, starts_at: Date.parse(d.startsAt),
            expires_at: Date.parse(d.expiresAt), recorded_at: at, machine_quota: d.machineQuota,
          });
          break;
        }
        case 'PurchaseAmended': {
          const d = e.data as unknown as EventMap['PurchaseAmended'];
          const current = purchases.get({ account_id, purchase_id: d.purchaseId });
          if (!current) break;
          purchases.set({ ...current, quantity: d.quantity, expires_at: Date.parse(d.expiresAt), machine_quota: d.machineQuota });
          break;
        }
        case 'LicensesDedicated': {
          const d = e.data as unknown as EventMap['LicensesDedicated'];
          if (d.quantity > 0) dedications.set({ account_id, product: d.product, org_id: d.orgId, quantity: d.quantity });
          else dedications.remove({ account_id, product: d.product, org_id: d.orgId });
          break;
        }
        case 'SeatAssigned': {
          const d = e.data as unknown as EventMap['SeatAssigned'];
          seats.set({ account_id, product: d.product, user_id: d.userId, assigned_at: at, org_id: null, full_name: null, email: null });
          break;
        }
        case 'SeatUnassigned': {
          const d = e.data as unknown as EventMap['SeatUnassigned'];
          seats.remove({ account_id, product: d.product, user_id: d.userId });
          break;
        }
        case 'SessionStarted': {
          const d = e.data as unknown as EventMap['SessionStarted'];
          sessions.set({
            account_id, session_id: d.sessionId, product: d.product, user_id: d.userId, machine_id: d.machineId, license_type: d.licenseType,
            draws_unit: d.licenseType === 'online' && modelOf(d.product) === 'session', started_at: at, last_seen: at, org_id: null,
          });
          break;
        }
        case 'SessionHeartbeatRecorded': {
          const d = e.data as unknown as EventMap['SessionHeartbeatRecorded'];
          const row = sessions.get({ account_id, session_id: d.sessionId });
          if (row) row.last_seen = at;
          else if (row === undefined) heartbeats.set(`${account_id}\u0000${d.sessionId}`, { account_id, session_id: d.sessionId, last_seen: at });
          break;
        }
        case 'SessionEnded':
        case 'SessionExpired': {
          const d = e.data as unknown as EventMap['SessionEnded'];
          sessions.remove({ account_id, session_id: d.sessionId });
          heartbeats.delete(`${account_id}\u0000${d.sessionId}`);
          break;
        }
        case 'OfflineLicenseGenerated': {
          const d = e.data as unknown as EventMap['OfflineLicenseGenerated'];
          offline.set({
            account_id, product: d.product, user_id: d.userId, machine_id: d.machineId, generated_at: at, expires_at: Date.parse(d.expiresAt),
            license_source: d.licenseSource, org_id: null,
          });
          break;
        }
        case 'MachineRegistered': {
          const d = e.data as unknown as EventMap['MachineRegistered'];
          machines.set({ account_id, product: d.product, machine_id: d.machineId, user_id: d.userId, registered_at: at, org_id: null });
          break;
        }
        case 'MachineDeactivated': {
          const d = e.data as unknown as EventMap['MachineDeactivated'];
          machines.remove({ account_id, product: d.product, machine_id: d.machineId });
          break;
        }
        case 'ApplicationActivated': {
          const d = e.data as unknown as EventMap['ApplicationActivated'];
          applications.set({ account_id, application_id: d.applicationId, activated_at: at });
          break;
        }
        case 'ApplicationReleased': {
          const d = e.data as unknown as EventMap['ApplicationReleased'];
          applications.remove({ account_id, application_id: d.applicationId });
          break;
        }
      }
    }

    await fillHolders(trx, seats, [sessions, offline, machines]);
    for (const changes of [purchases, dedications, seats, sessions, offline, machines, applications] as Changes<keyof LicensesTables>[]) {
      await changes.write(trx);
    }
    await refreshMovedHolders(trx, events);
    await bumpHoldingVersions(trx, events);
    if (heartbeats.size > 0) {
      const rows = [...heartbeats.values()];
      const t = tableRefs(trx, ['open_sessions']);
      await sql`
        UPDATE ${t.open_sessions} AS s SET last_seen = greatest(s.last_seen, h.last_seen)
        FROM unnest(${rows.map((r) => r.account_id)}::text[], ${rows.map((r) => r.session_id)}::text[],
          ${rows.map((r) => String(r.last_seen))}::bigint[]) AS h(account_id, session_id, last_seen)
        WHERE s.account_id = h.account_id AND s.session_id = h.session_id`.execute(trx);
    }
  }
}

export const licensesProjection = new LicensesProjection();

/**
 * Gives the holdings written by the batch their holders' directory columns, as `users` stands after
 * the batch (its directory events are applied first).
 */
async function fillHolders(
  trx: Transaction<LicensesTables>, seats: Changes<'seats'>, others: readonly { readonly rows: ReadonlyMap<string, Holder | null> }[],
): Promise<void> {
  const holdings = [seats, ...others].flatMap((changes): (Holder | null)[] => [...changes.rows.values()]).filter((row) => row !== null);
  if (holdings.length === 0) return;
  const holders = [...new Map(holdings.map((h) => [holderKey(h), h])).values()];
  const k = sql`unnest(${holders.map((h) => h.account_id)}::text[], ${holders.map((h) => h.user_id)}::text[])`.as<'k'>(sql`k(account_id, user_id)`);
  const users = await (trx as Kysely<any>).selectFrom('users as u').innerJoin(k, (j) => j.onRef('u.account_id', '=', 'k.account_id').onRef('u.user_id', '=', 'k.user_id'))
    .select(['u.account_id', 'u.user_id', 'u.org_id', 'u.full_name', 'u.email']).execute() as LicensesTables['users'][];
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
async function refreshMovedHolders(trx: Transaction<LicensesTables>, events: readonly StoredEvent[]): Promise<void> {
  const moved = new Map<string, { account_id: string; user_id: string }>();
  for (const e of events) {
    if (e.type !== 'UserMoved') continue;
    const user = { account_id: accountOf(e), user_id: (e.data as unknown as EventMap['UserMoved']).userId };
    moved.set(holderKey(user), user);
  }
  if (moved.size === 0) return;
  const keys = [...moved.values()];
  const t = tableRefs(trx, ['users', ...HOLDING_TABLES]);
  for (const table of HOLDING_TABLES) {
    await sql`
      UPDATE ${t[table]} AS h SET org_id = u.org_id
      FROM unnest(${keys.map((m) => m.account_id)}::text[], ${keys.map((m) => m.user_id)}::text[]) AS k(account_id, user_id), ${t.users} AS u
      WHERE h.account_id = k.account_id AND h.user_id = k.user_id AND u.account_id = k.account_id AND u.user_id = k.user_id
        AND h.org_id IS DISTINCT FROM u.org_id`.execute(trx);
  }
}

/** The event types that change what `holding_versions` stands for. */
const VERSIONED_HOLDING_EVENT_TYPES: ReadonlySet<string> = new Set([
  'SeatAssigned', 'SeatUnassigned', 'OfflineLicenseGenerated', 'MachineRegistered', 'MachineDeactivated', 'UserMoved',
]);

/**
 * Bumps the holding version of every account whose seats, offline licenses or machines the batch
 * changes: the overview keeps those lists in memory while the version stands (sessions, heartbeats
 * and purchases are read anew each time, so they need no bump).
 */
async function bumpHoldingVersions(trx: Transaction<LicensesTables>, events: readonly StoredEvent[]): Promise<void> {
  const accounts = new Set(events.filter((e) => VERSIONED_HOLDING_EVENT_TYPES.has(e.type)).map(accountOf));
  if (accounts.size === 0) return;
  const t = tableRefs(trx, ['holding_versions']);
  await sql`
    INSERT INTO ${t.holding_versions} (account_id, version) SELECT account_id, 1 FROM unnest(${[...accounts]}::text[]) AS a(account_id)
    ON CONFLICT (account_id) DO UPDATE SET version = ${t.holding_versions}.version + 1`.execute(trx);
}

/** Purchases amended in the batch but bought in an earlier one: the amendment needs the whole row. */
async function preloadAmendedPurchases(trx: Transaction<LicensesTables>, events: readonly StoredEvent[], purchases: Changes<'purchases'>): Promise<void> {
  const wanted = new Map<string, Set<string>>();
  for (const e of events) {
    if (e.type !== 'PurchaseAmended') continue;
    const ids = wanted.get(accountOf(e)) ?? new Set<string>();
    ids.add((e.data as unknown as EventMap['PurchaseAmended']).purchaseId);
    wanted.set(accountOf(e), ids);
  }
  for (const [accountId, ids] of wanted) {
    const rows = await trx.selectFrom('purchases').selectAll().where('account_id', '=', accountId).where('purchase_id', 'in', [...ids]).execute();
    for (const row of rows) purchases.set(row);
  }
}
