import { sql, type Kysely } from 'kysely';
import { insertRows, type ColumnTypes } from '../libs/database/src/bulk-rows.js';
import type { Product } from '../libs/domain/src/products.js';
import { sessionDrawsUnit } from '../libs/domain/src/rules/units.js';
import type { StoredLedgerEvent } from '../libs/event-store/src/stored-ledger-event.js';
import { ms, type EpochMs, type ReadModelDb } from './engine/read-model-db.js';
import { accountOf, occurredAt, type Projection, type ProjectionContext } from './projection.js';
import { applyDirectoryEvents, createDirectoryTables, USER_DIRECTORY_EVENT_TYPES, type UserDirectoryTables } from './shared/directory-tables.js';
import type { Interval } from '../libs/domain/src/rules/peak-sweep.js';
import { LONG_INTERVAL_MS, overlappingRows } from './shared/overlapping-intervals.js';
import { applyPoolHistory, createPoolHistoryTables, POOL_HISTORY_EVENT_TYPES, type PoolHistoryTables } from './shared/pool-history.js';
import {
  ACCOUNT_NODE,
  applyClosedIntervals,
  type ClosedIntervals,
  createUsageSlotsTable,
  type NodedInterval,
  type UsageSlotTables,
} from './shared/usage-slots.js';

/**
 * `sessions` — every session (seat and session products), every denied start, the pool history and
 * the concurrency slots of unit-drawing sessions. Serves the `sessions` table (SPEC §4.4) and
 * `session-usage` (§4.5).
 *
 * A session row keeps what was true when it started (the user's organization, its license source)
 * and its lifecycle: `last_seen` (start or latest heartbeat), and `ended_at` / `end_kind` once
 * SessionEnded or SessionExpired is folded. A session whose lease lapsed before SessionExpired is
 * appended is recognised at query time from `last_seen` and the lease, so nothing here depends on
 * the lease length.
 *
 * Only sessions that draw a unit (online sessions of session products) enter `usage_slots`, once
 * closed; open ones are added by the report at query time.
 */
export interface SessionRow {
  account_id: string;
  session_id: string;
  product: string;
  user_id: string;
  /** The user's organization when the session started. */
  org_id: string;
  machine_id: string;
  license_type: string;
  /** 'account' or the orgId the session was drawn from when it started. */
  license_source: string;
  draws_unit: boolean;
  started_at: EpochMs;
  last_seen: EpochMs;
  ended_at: EpochMs | null;
  end_kind: 'ended' | 'expired' | null;
}

export interface SessionDenialRow {
  account_id: string;
  product: string;
  at: EpochMs;
  user_id: string;
  org_id: string;
  session_id: string;
  license_source: string;
}

export interface SessionsTables extends UserDirectoryTables, PoolHistoryTables, UsageSlotTables {
  sessions: SessionRow;
  session_denials: SessionDenialRow;
  /**
   * Sessions per (account, product, organization of the user at start) that started, ended (SessionEnded)
   * and expired (SessionExpired): the totals of the sessions table when it filters on orgId or status only.
   */
  session_counts: { account_id: string; product: string; org_id: string; kind: 'started' | 'ended' | 'expired'; n: number | string };
}

/** Long unit-drawing sessions, indexed on their own (see `overlappingRows`). */
const SESSIONS_LONG_PREDICATE = sql<boolean>`draws_unit AND ended_at - started_at > ${sql.lit(LONG_INTERVAL_MS)}`;

const SESSION_EVENT_TYPES = ['SessionStarted', 'SessionHeartbeatRecorded', 'SessionEnded', 'SessionExpired', 'SessionDenied'] as const;

export class SessionsProjection implements Projection<SessionsTables> {
  readonly name = 'sessions';
  readonly version = 1;
  /** Depends on none of the configured rules (the lease is applied when reports are read). */
  readonly rules = [] as const;
  readonly eventTypes: ReadonlySet<string> = new Set<string>([...USER_DIRECTORY_EVENT_TYPES, ...POOL_HISTORY_EVENT_TYPES, ...SESSION_EVENT_TYPES]);

  readonly migrations = {
    'v1-tables': {
      async up(db: Kysely<unknown>): Promise<void> {
        await createDirectoryTables(db, 'users');
        await createPoolHistoryTables(db);
        await createUsageSlotsTable(db);
        await db.schema
          .createTable('sessions')
          .addColumn('account_id', 'text', (c) => c.notNull())
          .addColumn('session_id', 'text', (c) => c.notNull())
          .addColumn('product', 'text', (c) => c.notNull())
          .addColumn('user_id', 'text', (c) => c.notNull())
          .addColumn('org_id', 'text', (c) => c.notNull())
          .addColumn('machine_id', 'text', (c) => c.notNull())
          .addColumn('license_type', 'text', (c) => c.notNull())
          .addColumn('license_source', 'text', (c) => c.notNull())
          .addColumn('draws_unit', 'boolean', (c) => c.notNull())
          .addColumn('started_at', 'bigint', (c) => c.notNull())
          .addColumn('last_seen', 'bigint', (c) => c.notNull())
          .addColumn('ended_at', 'bigint')
          .addColumn('end_kind', 'text')
          .addPrimaryKeyConstraint('sessions_pkey', ['account_id', 'session_id'])
          .execute();
        await db.schema.createIndex('sessions_by_start').on('sessions').columns(['account_id', 'product', 'started_at', 'session_id']).execute();
        await db.schema
          .createIndex('sessions_open')
          .on('sessions')
          .columns(['account_id', 'product'])
          .where(sql.ref('ended_at'), 'is', null)
          .execute();
        await db.schema
          .createIndex('sessions_long')
          .on('sessions')
          .columns(['account_id', 'product', 'ended_at'])
          .where(SESSIONS_LONG_PREDICATE)
          .execute();
        await db.schema
          .createTable('session_denials')
          .addColumn('account_id', 'text', (c) => c.notNull())
          .addColumn('product', 'text', (c) => c.notNull())
          .addColumn('at', 'bigint', (c) => c.notNull())
          .addColumn('user_id', 'text', (c) => c.notNull())
          .addColumn('org_id', 'text', (c) => c.notNull())
          .addColumn('session_id', 'text', (c) => c.notNull())
          .addColumn('license_source', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('session_denials_by_at').on('session_denials').columns(['account_id', 'product', 'at']).execute();
        await db.schema
          .createTable('session_counts')
          .addColumn('account_id', 'text', (c) => c.notNull())
          .addColumn('product', 'text', (c) => c.notNull())
          .addColumn('org_id', 'text', (c) => c.notNull())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('n', 'bigint', (c) => c.notNull())
          .addPrimaryKeyConstraint('session_counts_pkey', ['account_id', 'product', 'org_id', 'kind'])
          .execute();
      },
    },
  };

  async apply(db: ReadModelDb<SessionsTables>, events: readonly StoredLedgerEvent[], _context: ProjectionContext): Promise<void> {
    // The organization of each user when each session event happened: as stored before the batch,
    // then as the batch's own registrations and moves change it, in log order.
    const userOrgs = await loadUserOrgs(db, events);
    const sessions = await loadReferencedSessions(db, events);
    await applyDirectoryEvents(db.part<UserDirectoryTables>(), events);
    await applyPoolHistory(db.part<PoolHistoryTables>(), events);

    const touched = new Map<string, SessionRow>();
    const closed: SessionRow[] = [];
    const counted: { row: SessionRow; kind: 'started' | 'ended' | 'expired' }[] = [];
    const denials: SessionDenialRow[] = [];
    for (const e of events) {
      const account_id = accountOf(e);
      const at = occurredAt(e);
      switch (e.type) {
        case 'UserRegistered': {
          const d = e.data;
          userOrgs.set(key(account_id, d.userId), d.orgId);
          break;
        }
        case 'UserMoved': {
          const d = e.data;
          userOrgs.set(key(account_id, d.userId), d.orgId);
          break;
        }
        case 'SessionStarted': {
          const d = e.data;
          const row: SessionRow = {
            account_id,
            session_id: d.sessionId,
            product: d.product,
            user_id: d.userId,
            org_id: orgOf(userOrgs, account_id, d.userId),
            machine_id: d.machineId,
            license_type: d.licenseType,
            license_source: d.licenseSource,
            draws_unit: sessionDrawsUnit(d.product, d.licenseType),
            started_at: at,
            last_seen: at,
            ended_at: null,
            end_kind: null,
          };
          sessions.set(key(account_id, d.sessionId), row);
          touched.set(key(account_id, d.sessionId), row);
          counted.push({ row, kind: 'started' });
          break;
        }
        case 'SessionHeartbeatRecorded': {
          const d = e.data;
          const row = sessions.get(key(account_id, d.sessionId));
          if (!row) break;
          row.last_seen = Math.max(ms(row.last_seen), at);
          touched.set(key(account_id, d.sessionId), row);
          break;
        }
        case 'SessionEnded':
        case 'SessionExpired': {
          const d = e.data;
          const row = sessions.get(key(account_id, d.sessionId));
          if (!row || row.ended_at !== null) break;
          row.ended_at = Date.parse(d.endedAt);
          row.end_kind = e.type === 'SessionEnded' ? 'ended' : 'expired';
          touched.set(key(account_id, d.sessionId), row);
          counted.push({ row, kind: row.end_kind });
          if (row.draws_unit) closed.push(row);
          break;
        }
        case 'SessionDenied': {
          const d = e.data;
          denials.push({
            account_id,
            product: d.product,
            at,
            user_id: d.userId,
            org_id: orgOf(userOrgs, account_id, d.userId),
            session_id: d.sessionId,
            license_source: d.licenseSource,
          });
          break;
        }
      }
    }

    await insertRows(db.kysely, db.table('sessions'), SESSION_COLUMNS, [...touched.values()], {
      as: 's',
      conflict: sql`ON CONFLICT (account_id, session_id) DO UPDATE SET last_seen = excluded.last_seen, ended_at = excluded.ended_at, end_kind = excluded.end_kind`,
    });
    await countSessions(db, counted);
    await insertRows(db.kysely, db.table('session_denials'), SESSION_DENIAL_COLUMNS, denials);
    if (closed.length > 0) await applyClosedIntervals(db.part<UsageSlotTables>(), await closedSessionGroups(db, closed));
  }
}

export const sessionsProjection = new SessionsProjection();

const key = (accountId: string, id: string) => `${accountId}\u0000${id}`;

function orgOf(userOrgs: Map<string, string>, accountId: string, userId: string): string {
  const orgId = userOrgs.get(key(accountId, userId));
  if (orgId === undefined) throw new Error(`sessions projection: user '${userId}' of account '${accountId}' is not registered`);
  return orgId;
}

/** Groups ids by account: one query per account. */
function byAccount(pairs: Iterable<[string, string]>): Map<string, string[]> {
  const grouped = new Map<string, Set<string>>();
  for (const [accountId, id] of pairs) {
    const ids = grouped.get(accountId) ?? new Set<string>();
    ids.add(id);
    grouped.set(accountId, ids);
  }
  return new Map([...grouped].map(([accountId, ids]) => [accountId, [...ids]]));
}

async function loadUserOrgs(db: ReadModelDb<SessionsTables>, events: readonly StoredLedgerEvent[]): Promise<Map<string, string>> {
  const wanted: [string, string][] = [];
  for (const e of events) {
    if (e.type === 'SessionStarted' || e.type === 'SessionDenied') wanted.push([accountOf(e), e.data.userId]);
  }
  const orgs = new Map<string, string>();
  for (const [accountId, userIds] of byAccount(wanted)) {
    const rows = await db.kysely
      .selectFrom('users')
      .select(['user_id', 'org_id'])
      .where('account_id', '=', accountId)
      .where('user_id', 'in', userIds)
      .execute();
    for (const row of rows) orgs.set(key(accountId, row.user_id), row.org_id);
  }
  return orgs;
}

/** Sessions a heartbeat, end or expiry of the batch refers to that started in an earlier batch. */
async function loadReferencedSessions(db: ReadModelDb<SessionsTables>, events: readonly StoredLedgerEvent[]): Promise<Map<string, SessionRow>> {
  const started = new Set<string>();
  const wanted: [string, string][] = [];
  for (const e of events) {
    if (e.type === 'SessionStarted') started.add(key(accountOf(e), e.data.sessionId));
    else if (e.type === 'SessionHeartbeatRecorded' || e.type === 'SessionEnded' || e.type === 'SessionExpired') {
      const sessionId = e.data.sessionId;
      if (!started.has(key(accountOf(e), sessionId))) wanted.push([accountOf(e), sessionId]);
    }
  }
  const sessions = new Map<string, SessionRow>();
  for (const [accountId, sessionIds] of byAccount(wanted)) {
    const rows = await db.kysely
      .selectFrom('sessions')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('session_id', 'in', sessionIds)
      .execute();
    for (const row of rows) sessions.set(key(accountId, row.session_id), row);
  }
  return sessions;
}

const SESSION_COLUMNS: ColumnTypes<SessionRow> = {
  account_id: 'text',
  session_id: 'text',
  product: 'text',
  user_id: 'text',
  org_id: 'text',
  machine_id: 'text',
  license_type: 'text',
  license_source: 'text',
  draws_unit: 'boolean',
  started_at: 'bigint',
  last_seen: 'bigint',
  ended_at: 'bigint',
  end_kind: 'text',
};
const SESSION_DENIAL_COLUMNS: ColumnTypes<SessionDenialRow> = {
  account_id: 'text',
  product: 'text',
  at: 'bigint',
  user_id: 'text',
  org_id: 'text',
  session_id: 'text',
  license_source: 'text',
};
const SESSION_COUNT_COLUMNS: ColumnTypes<SessionsTables['session_counts']> = {
  account_id: 'text',
  product: 'text',
  org_id: 'text',
  kind: 'text',
  n: 'bigint',
};

/** Adds the batch's starts, ends and expiries to `session_counts`. */
async function countSessions(
  db: ReadModelDb<SessionsTables>,
  counted: readonly { row: SessionRow; kind: 'started' | 'ended' | 'expired' }[],
): Promise<void> {
  const counts = new Map<string, SessionsTables['session_counts'] & { n: number }>();
  for (const { row, kind } of counted) {
    const k = `${row.account_id}\u0000${row.product}\u0000${row.org_id}\u0000${kind}`;
    const entry = counts.get(k);
    if (entry) entry.n += 1;
    else counts.set(k, { account_id: row.account_id, product: row.product, org_id: row.org_id, kind, n: 1 });
  }
  await insertRows(db.kysely, db.table('session_counts'), SESSION_COUNT_COLUMNS, [...counts.values()], {
    as: 'c',
    conflict: sql`ON CONFLICT (account_id, product, org_id, kind) DO UPDATE SET n = c.n + excluded.n`,
  });
}

/** The scope nodes a session of a user in `orgId` counts for: the account, the org and its ancestors. */
export async function loadNodeResolver(db: ReadModelDb<UserDirectoryTables>, accountId: string): Promise<(orgId: string) => readonly string[]> {
  const rows = await db.kysely.selectFrom('orgs').select(['org_id', 'parent_org_id']).where('account_id', '=', accountId).execute();
  const parents = new Map(rows.map((r) => [r.org_id, r.parent_org_id]));
  const cache = new Map<string, readonly string[]>();
  return (orgId) => {
    let nodes = cache.get(orgId);
    if (!nodes) {
      const chain: string[] = [ACCOUNT_NODE];
      for (let id: string | null = orgId; id !== null && !chain.includes(id); id = parents.get(id) ?? null) chain.push(id);
      cache.set(orgId, (nodes = chain));
    }
    return nodes;
  };
}

async function closedSessionGroups(db: ReadModelDb<SessionsTables>, closed: readonly SessionRow[]): Promise<ClosedIntervals[]> {
  const groups = new Map<string, SessionRow[]>();
  for (const row of closed) {
    const k = key(row.account_id, row.product);
    const group = groups.get(k);
    if (group) group.push(row);
    else groups.set(k, [row]);
  }
  const resolvers = new Map<string, (orgId: string) => readonly string[]>();
  const result: ClosedIntervals[] = [];
  for (const rows of groups.values()) {
    const { account_id: accountId, product } = rows[0]!;
    let nodesOf = resolvers.get(accountId);
    if (!nodesOf) resolvers.set(accountId, (nodesOf = await loadNodeResolver(db.part<UserDirectoryTables>(), accountId)));
    const resolve = nodesOf;
    result.push({
      accountId,
      product,
      intervals: rows.map((r) => ({ start: ms(r.started_at), end: ms(r.ended_at!), nodes: resolve(r.org_id) })),
      overlapping: async (ranges) =>
        (await closedSessionsOverlapping(db, accountId, product as Product, ranges, null)).map(
          (r) => ({ start: r.start, end: r.end, nodes: resolve(r.orgId) }) satisfies NodedInterval,
        ),
    });
  }
  return result;
}

/** Closed unit-drawing sessions overlapping any of `ranges` (a superset is fine), of users in `orgIds` (null: all). */
export async function closedSessionsOverlapping(
  db: ReadModelDb<SessionsTables>,
  accountId: string,
  product: Product,
  ranges: readonly Interval[],
  orgIds: readonly string[] | null,
): Promise<{ orgId: string; start: number; end: number }[]> {
  if (ranges.length === 0) return [];
  const where = sql`account_id = ${accountId} AND product = ${product} AND draws_unit AND ended_at IS NOT NULL
    ${orgIds === null ? sql`` : sql`AND org_id = ANY(${[...orgIds]}::text[])`}`;
  const rows = await sql<{ org_id: string; started_at: string; ended_at: string }>`${overlappingRows(
    sql`org_id, started_at, ended_at`,
    db.table('sessions'),
    where,
    'started_at',
    'ended_at',
    SESSIONS_LONG_PREDICATE,
    ranges,
  )}`.execute(db.kysely);
  return rows.rows.map((r) => ({ orgId: r.org_id, start: ms(r.started_at), end: ms(r.ended_at) }));
}

/**
 * Unit-drawing sessions with no SessionEnded / SessionExpired folded yet, as intervals at `now`:
 * [start, leaseLapsesAt(lastSeen)) once the lease has lapsed, else open (end = +∞).
 */
export async function openSessionIntervals(
  db: ReadModelDb<SessionsTables>,
  accountId: string,
  product: Product,
  orgIds: readonly string[] | null,
  now: number,
  leaseMs: number,
): Promise<Interval[]> {
  const rows = await db.kysely
    .selectFrom('sessions')
    .select(['started_at', 'last_seen'])
    .where('account_id', '=', accountId)
    .where('product', '=', product)
    .where('ended_at', 'is', null)
    .where('draws_unit', '=', true)
    .$if(orgIds !== null, (qb) => qb.where('org_id', 'in', orgIds!.length > 0 ? [...orgIds!] : ['\u0000']))
    .execute();
  return rows.map((r) => {
    const leaseEnd = ms(r.last_seen) + leaseMs;
    return { start: ms(r.started_at), end: leaseEnd <= now ? leaseEnd : Number.POSITIVE_INFINITY };
  });
}
