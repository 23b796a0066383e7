import { validationError } from '../../../domain/src/errors.js';
import type { Product } from '../../../domain/src/products.js';
import { formatPosition } from '../../../event-store/src/event-store.js';
import { applicationIntervals, AUT_PRODUCT, type ApplicationsTables } from '../../../../projections/applications.projection.js';
import type { ReadModelDb } from '../../../../projections/engine/read-model-db.js';
import { accountTimezone, loadOrgTree, type OrgDirectoryTables } from '../../../../projections/shared/directory-tables.js';
import { latestRecordInstant } from '../../../domain/src/rules/latest-record.js';
import { type Interval, peaksWithin } from '../../../domain/src/rules/peak-sweep.js';
import { PoolHistory, type PoolHistoryTables } from '../../../../projections/shared/pool-history.js';
import type { SeriesBodyOf } from '../../../contracts/src/index.js';
import type { ReportContext, ReportDefinition, ReportRequest } from '../report-definition.js';
import { bucketPeaks, planSeries, seriesQuery } from './series.js';

const PRODUCTS: readonly Product[] = [AUT_PRODUCT];

/**
 * `aut-usage` (SPEC §4.6) — TrueTest, per bucket: `purchased` (dedicated(scope) at the bucket's latest
 * record: the purchased quantity for the account), `peakActiveApplications` (most applications active
 * at one instant, on [ApplicationActivated, ApplicationReleased)) and `averagePeak` as in §4.5.
 *
 * Applications belong to no organization and are drawn from the account: with `orgId`, `purchased` is
 * that org's dedication and no application is in its scope (peaks 0). `product` defaults to TRUETEST.
 */
export const autUsageReport: ReportDefinition = {
  name: 'aut-usage',
  shape: 'series',
  products: PRODUCTS,
  columns: ['purchased', 'peakActiveApplications', 'averagePeak'],
  parameters: ['orgId', 'from', 'to', 'interval'],
  run: (request, context) => autUsage(request, context),
};

export async function autUsage(request: ReportRequest, context: ReportContext): Promise<SeriesBodyOf<'aut-usage'>> {
  const query = seriesQuery({ ...request, product: request.product ?? AUT_PRODUCT }, PRODUCTS, 'aut-usage');
  if (request.groupBy !== undefined) throw validationError('groupBy', 'aut-usage has no groupBy: applications are drawn from the account');
  const { db, position } = await context.projections.reader<ApplicationsTables>('applications');
  const timezone = await accountTimezone(db.part<OrgDirectoryTables>(), query.accountId);
  const scope = request.orgId ?? null;
  if (scope !== null) (await loadOrgTree(db.part<OrgDirectoryTables>(), query.accountId)).subtree(scope);
  const plan = planSeries(query, timezone, context.now);
  const history = await PoolHistory.load(db.part<PoolHistoryTables>(), query.accountId, AUT_PRODUCT);
  const peaks = bucketPeaks(plan, query.interval, scope === null ? await sweptPeaks(db, query.accountId, plan.subBuckets) : null);
  return {
    report: 'aut-usage',
    accountId: query.accountId,
    product: AUT_PRODUCT,
    orgId: scope,
    interval: query.interval,
    timezone,
    from: query.from,
    to: query.to,
    asOfPosition: formatPosition(position),
    buckets: plan.buckets.map((bucket, i) => ({
      start: bucket.startIso,
      end: bucket.endIso,
      purchased: history.dedicatedScopeAt(scope, latestRecordInstant(bucket, context.now)),
      peakActiveApplications: peaks[i]!.peak,
      averagePeak: peaks[i]!.averagePeak,
    })),
  };
}

/**
 * Each sub-bucket's peak, swept from the activations overlapping the window: few per account (each
 * holds a unit for its whole life), so no stored slots are needed (see the projection).
 */
async function sweptPeaks(db: ReadModelDb<ApplicationsTables>, accountId: string, subBuckets: readonly Interval[]): Promise<number[]> {
  if (subBuckets.length === 0) return [];
  const intervals = await applicationIntervals(db, accountId, subBuckets[0]!.start, subBuckets.at(-1)!.end);
  return peaksWithin(intervals, subBuckets);
}
