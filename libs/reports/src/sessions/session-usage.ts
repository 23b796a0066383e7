import { sql } from 'kysely';
import { SESSION_PRODUCTS, type Product } from '../../../domain/src/products.js';
import { formatPosition } from '../../../event-store/src/event-store.js';
import { closedSessionsOverlapping, openSessionIntervals } from '../../../../projections/sessions.intervals.js';
import type { SessionsTables } from '../../../../projections/sessions.tables.js';
import type { ReadModelDb } from '../../../../projections/engine/read-model-db.js';
import { accountTimezone, loadOrgTree, type OrgDirectoryTables, type OrgTree } from '../../../../projections/shared/directory-tables.js';
import { latestRecordInstant } from '../../../domain/src/rules/latest-record.js';
import type { Interval } from '../../../domain/src/rules/peak-sweep.js';
import { PoolHistory, type PoolHistoryTables } from '../../../../projections/shared/pool-history.js';
import { ACCOUNT_NODE, slotMaxima, type UsageSlotTables } from '../../../../projections/shared/usage-slots.js';
import type { SeriesBodyOf, SeriesBucket, SessionUsageMetrics } from '../../../contracts/src/index.js';
import type { ReportContext, ReportDefinition, ReportRequest } from '../report-definition.js';
import type { ConcurrencySource } from './concurrency.js';
import { byName } from '../../../report-contract/src/series-scope.js';
import { peakSeries, planSeries, seriesQuery, type SeriesPlan, type SeriesQuery } from './series.js';

/**
 * `session-usage` (SPEC §4.5) — License Usage for KRE and TestCloud, per bucket:
 * `availableSessions` (dedicated(scope) at the bucket's latest record), `peakUsage` (most
 * unit-drawing sessions of users in scope open at one instant), `averagePeak` and `denied`.
 *
 * Sessions count for the organization their user was in when they started; offline sessions draw no
 * session license (their unit is the offline license) and are not counted.
 */
export const sessionUsageReport: ReportDefinition = {
  name: 'session-usage',
  shape: 'series',
  products: SESSION_PRODUCTS,
  columns: ['availableSessions', 'peakUsage', 'averagePeak', 'denied'],
  run: (request, context) => sessionUsage(request, context),
};

export async function sessionUsage(request: ReportRequest, context: ReportContext): Promise<SeriesBodyOf<'session-usage'>> {
  const query = seriesQuery(request, SESSION_PRODUCTS, 'session-usage');
  const { db, position } = await context.projections.reader<SessionsTables>('sessions');
  const timezone = await accountTimezone(db.part<OrgDirectoryTables>(), query.accountId);
  const tree = await loadOrgTree(db.part<OrgDirectoryTables>(), query.accountId);
  const scope = request.orgId ?? null;
  if (scope !== null) tree.subtree(scope);
  const plan = planSeries(query, timezone, context.now);
  const history = await PoolHistory.load(db.part<PoolHistoryTables>(), query.accountId, query.product);
  const header = {
    report: 'session-usage',
    accountId: query.accountId,
    product: query.product,
    orgId: scope,
    interval: query.interval,
    timezone,
    from: query.from,
    to: query.to,
    asOfPosition: formatPosition(position),
  };
  if (request.groupBy === 'org') {
    const series = [];
    for (const orgId of [...tree.children(scope)].sort(byName((id) => tree.name(id)))) {
      series.push({ orgId, name: tree.name(orgId), buckets: await scopeBuckets(db, query, plan, history, tree, orgId, context) });
    }
    return { ...header, series };
  }
  return { ...header, buckets: await scopeBuckets(db, query, plan, history, tree, scope, context) };
}

async function scopeBuckets(
  db: ReadModelDb<SessionsTables>,
  query: SeriesQuery,
  plan: SeriesPlan,
  history: PoolHistory,
  tree: OrgTree,
  orgId: string | null,
  context: ReportContext,
): Promise<SeriesBucket<SessionUsageMetrics>[]> {
  const orgIds = orgId === null ? null : [...tree.subtree(orgId)];
  const source = sessionConcurrency(db, query.accountId, query.product, orgId, orgIds, context);
  const [peaks, denied] = await Promise.all([
    peakSeries(plan, query.interval, source),
    deniedPerBucket(db, query.accountId, query.product, plan.buckets, orgIds, context.now),
  ]);
  return plan.buckets.map((bucket, i) => ({
    start: bucket.startIso,
    end: bucket.endIso,
    availableSessions: history.dedicatedScopeAt(orgId, latestRecordInstant(bucket, context.now)),
    peakUsage: peaks[i]!.peak,
    averagePeak: peaks[i]!.averagePeak,
    denied: denied[i]!,
  }));
}

/** Concurrency of the unit-drawing sessions of users in `orgIds` (null: the whole account). */
export function sessionConcurrency(
  db: ReadModelDb<SessionsTables>,
  accountId: string,
  product: Product,
  orgId: string | null,
  orgIds: readonly string[] | null,
  context: Pick<ReportContext, 'now' | 'leaseMs'>,
): ConcurrencySource {
  return {
    slotMaxima: (thresholds, endSlot, exclude) =>
      slotMaxima(db.part<UsageSlotTables>(), accountId, product, orgId ?? ACCOUNT_NODE, thresholds, endSlot, exclude),
    closedOverlapping: (ranges) => closedSessionsOverlapping(db, accountId, product, ranges, orgIds),
    open: () => openSessionIntervals(db, accountId, product, orgIds, context.now, context.leaseMs),
  };
}

/** SessionDenied per bucket, by the attempt's `at` (up to now), for users in `orgIds`. One query. */
async function deniedPerBucket(
  db: ReadModelDb<SessionsTables>,
  accountId: string,
  product: Product,
  list: readonly Interval[],
  orgIds: readonly string[] | null,
  now: number,
): Promise<number[]> {
  const counts = list.map(() => 0);
  if (list.length === 0) return counts;
  const rows = await sql<{ g: number; n: string }>`
    SELECT width_bucket(at, ${list.map((b) => String(b.start))}::bigint[]) AS g, count(*) AS n FROM ${db.table('session_denials')}
    WHERE account_id = ${accountId} AND product = ${product}
      AND at >= ${list[0]!.start} AND at < ${list.at(-1)!.end} AND at <= ${now}
      ${orgIds === null ? sql`` : sql`AND org_id = ANY(${[...orgIds]}::text[])`}
    GROUP BY 1`.execute(db.kysely);
  for (const row of rows.rows) counts[Number(row.g) - 1] = Number(row.n);
  return counts;
}
