import { sql } from 'kysely';
import type { Product } from '../libs/domain/src/products.js';
import type { Interval } from '../libs/domain/src/rules/peak-sweep.js';
import { ms, type ReadModelDb } from './engine/read-model-db.js';
import { SESSIONS_LONG_PREDICATE, type SessionsTables } from './sessions.tables.js';
import type { UserDirectoryTables } from './shared/directory-tables.js';
import { overlappingRows } from './shared/overlapping-intervals.js';
import { ACCOUNT_NODE } from './shared/usage-slots.js';

/**
 * Unit-drawing sessions of the `sessions` tables as intervals: the closed ones the usage slots are
 * built from, and the open ones the session-usage report adds at query time.
 */

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
