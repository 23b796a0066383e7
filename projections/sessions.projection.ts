import { sql } from 'kysely';
import { insertRows } from '../libs/database/src/bulk-rows.js';
import type { Product } from '../libs/domain/src/products.js';
import { sessionDrawsUnit } from '../libs/domain/src/rules/units.js';
import type { StoredLedgerEvent } from '../libs/event-store/src/stored-ledger-event.js';
import { ms, type ReadModelDb } from './engine/read-model-db.js';
import { accountOf, occurredAt, type Projection, type ProjectionContext } from './projection.js';
import { closedSessionsOverlapping, loadNodeResolver } from './sessions.intervals.js';
import {
  createSessionsTables,
  SESSION_COLUMNS,
  SESSION_COUNT_COLUMNS,
  SESSION_DENIAL_COLUMNS,
  type SessionDenialRow,
  type SessionRow,
  type SessionsTables,
} from './sessions.tables.js';
import { applyDirectoryEvents, USER_DIRECTORY_EVENT_TYPES, type UserDirectoryTables } from './shared/directory-tables.js';
import { applyPoolHistory, POOL_HISTORY_EVENT_TYPES, type PoolHistoryTables } from './shared/pool-history.js';
import { applyClosedIntervals, type ClosedIntervals, type NodedInterval, type UsageSlotTables } from './shared/usage-slots.js';

const SESSION_EVENT_TYPES = ['SessionStarted', 'SessionHeartbeatRecorded', 'SessionEnded', 'SessionExpired', 'SessionDenied'] as const;

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
export class SessionsProjection implements Projection<SessionsTables> {
  readonly name = 'sessions';
  readonly version = 1;
  /** Its tables are keyed by account and each account folds on its own: projector processes may share it. */
  readonly partitionable = true;
  /** Depends on none of the configured rules (the lease is applied when reports are read). */
  readonly rules = [] as const;
  readonly eventTypes: ReadonlySet<string> = new Set<string>([...USER_DIRECTORY_EVENT_TYPES, ...POOL_HISTORY_EVENT_TYPES, ...SESSION_EVENT_TYPES]);

  readonly migrations = { 'v1-tables': { up: createSessionsTables } };

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
