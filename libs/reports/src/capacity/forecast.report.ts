import {
  exhaustionIndex,
  inZone,
  latestRecordInstant,
  leastSquares,
  localDate,
  modelOf,
  openAt,
  peaksAndInstants,
  PRODUCT_CODES,
  reportWindow,
  slope2,
  splitSpan,
  trendAt2,
  validationError,
  type Bucket,
  type Product,
  type TimeSpan,
  type Trend,
} from '../../../domain/src/index.js';
import { formatPosition } from '../../../event-store/src/event-store.js';
import type { ReportContext, ReportDefinition, ReportRequest } from '../report-definition.js';
import { requireProduct } from '../../../report-contract/src/series-scope.js';
import {
  inScope,
  openCapacityAccount,
  PoolHistory,
  scopeOrgs,
  tenuresBefore,
  unitsOverlapping,
  UserOrgs,
  type CapacityAccount,
  type StoredTenure,
  type StoredUnit,
} from './capacity-data.js';
import { refuseGroupBy, type ForecastBody } from './bodies.js';

export const DEFAULT_HISTORY = 12;
export const DEFAULT_HORIZON = 6;

/** The metric a product's forecast projects: seats assigned, peak sessions, or peak active applications. */
export function forecastMetricOf(product: Product): 'assigned' | 'peakUsage' | 'peakActiveApplications' {
  const model = modelOf(product);
  return model === 'seat' ? 'assigned' : model === 'session' ? 'peakUsage' : 'peakActiveApplications';
}

/**
 * `forecast` (SPEC §8.4): the last `history` whole weeks (months) ending by `to` + 1 day 00:00 local,
 * each with its value — seats assigned at its latest record (§4.1), its peak of sessions (§4.5) or of
 * active applications (§4.6) —, the least-squares line through them, the `horizon` buckets it
 * projects, and the first of those reaching the scope's dedicated quantity.
 */
export const forecastReport: ReportDefinition = {
  name: 'forecast',
  shape: 'series',
  products: PRODUCT_CODES,
  columns: ['value', 'projected'],
  parameters: ['orgId', 'to', 'interval', 'metric', 'history', 'horizon'],
  intervals: ['week', 'month'],
  defaultInterval: 'week',
  run: async (request, context) => forecastBody(await computeForecast(request, context)),
};

export interface ForecastComputation {
  readonly request: ReportRequest;
  readonly account: CapacityAccount;
  readonly product: Product;
  readonly orgId: string | null;
  readonly metric: string;
  readonly interval: 'week' | 'month';
  readonly to: string;
  readonly past: readonly Bucket[];
  readonly next: readonly Bucket[];
  readonly values: readonly number[];
  /** Per past bucket, what its value counts: the seats held at its latest record, or the units open at the earliest instant of its peak. */
  readonly counted: readonly ForecastCounted[];
  readonly trend: Trend;
  readonly dedicated: number;
  readonly now: number;
}

export type ForecastCounted =
  | { readonly kind: 'seats'; readonly at: number; readonly tenures: readonly StoredTenure[] }
  | { readonly kind: 'peak'; readonly at: number | null; readonly units: readonly StoredUnit[] };

export async function computeForecast(request: ReportRequest, context: ReportContext): Promise<ForecastComputation> {
  refuseGroupBy(request, 'forecast');
  const product = requireProduct(request);
  const metric = forecastMetricOf(product);
  if (request.metric !== undefined && request.metric !== metric) {
    throw validationError(
      'metric',
      `${product} forecasts '${metric}' (assigned for seat products, peakUsage for session products, peakActiveApplications for TRUETEST), got '${request.metric}'`,
    );
  }
  const interval = request.interval === 'month' ? 'month' : 'week';
  const account = await openCapacityAccount(context, request.accountId);
  const orgId = request.orgId ?? null;
  const orgs = scopeOrgs(account, orgId);
  const { now } = context;
  const today = localDate(now, account.timezone);
  const to = request.to ?? today;
  if (to > today) throw validationError('to', `must not be after today (${today} in ${account.timezone}), got ${to}`);
  const { past, next } = forecastBuckets(to, interval, request.history ?? DEFAULT_HISTORY, request.horizon ?? DEFAULT_HORIZON, account.timezone);
  const from = past[0]!.start;
  const until = past.at(-1)!.end;
  const records = past.map((b) => latestRecordInstant(b, now));

  let values: number[];
  let counted: ForecastCounted[];
  if (metric === 'assigned') {
    const [tenures, userOrgs] = await Promise.all([tenuresBefore(account, product, until), UserOrgs.load(account)]);
    const held = records.map((at) =>
      tenures.filter((t) => t.assignedAt <= at && (t.unassignedAt === null || t.unassignedAt > at) && inScope(orgs, userOrgs.orgAt(t.userId, at))),
    );
    values = held.map((list) => list.length);
    counted = held.map((list, i) => ({ kind: 'seats', at: records[i]!, tenures: list }));
  } else {
    const units = await unitsOverlapping(account, product, from, until, now, context.leaseMs, {
      kinds: metric === 'peakUsage' ? ['session'] : ['application'],
    });
    const drawing = units.filter((u) => u.drawsUnit && inScope(orgs, u.orgId));
    // As §4.5 and §4.6 sweep: a bucket's peak up to now.
    const peaks = peaksAndInstants(
      drawing,
      past.map((b) => ({ start: b.start, end: Math.max(b.start, Math.min(b.end, now)) })),
    );
    values = peaks.map((p) => p.peak);
    counted = peaks.map((p) => ({ kind: 'peak', at: p.at, units: p.at === null ? [] : openAt(drawing, p.at) }));
  }
  const history = await PoolHistory.load(account, product);
  return {
    request,
    account,
    product,
    orgId,
    metric,
    interval,
    to,
    past,
    next,
    values,
    counted,
    trend: leastSquares(values),
    dedicated: history.dedicatedAt(orgId, records.at(-1)!),
    now,
  };
}

/**
 * The `history` whole weeks (months) ending by `to` + 1 day 00:00 local and the `horizon` after them:
 * weeks from Monday 00:00 (ISO), months from the 1st, in the zone, DST included.
 */
export function forecastBuckets(
  to: string,
  interval: 'week' | 'month',
  history: number,
  horizon: number,
  zone: string,
): { past: Bucket[]; next: Bucket[] } {
  const endOfTo = reportWindow(to, to, zone).end;
  const lastEnd = inZone(endOfTo, zone).startOf(interval).toMillis();
  const firstStart = inZone(lastEnd, zone)
    .minus({ [interval]: history })
    .startOf(interval)
    .toMillis();
  const lastProjected = inZone(lastEnd, zone)
    .plus({ [interval]: horizon })
    .startOf(interval)
    .toMillis();
  const all: TimeSpan[] = splitSpan({ start: firstStart, end: lastProjected }, interval, zone);
  return { past: all.slice(0, history), next: all.slice(history) };
}

export function forecastBody(c: ForecastComputation): ForecastBody {
  const index = exhaustionIndex(c.trend, c.next.length, c.dedicated);
  const n = c.past.length;
  return {
    report: 'forecast',
    accountId: c.account.accountId,
    product: c.product,
    orgId: c.orgId,
    interval: c.interval,
    timezone: c.account.timezone,
    from: localDate(c.past[0]!.start, c.account.timezone),
    to: c.to,
    asOfPosition: formatPosition(c.account.position),
    metric: c.metric,
    history: n,
    horizon: c.next.length,
    slope: slope2(c.trend),
    dedicated: c.dedicated,
    exhaustedAt: index === null ? null : c.next[index]!.startIso,
    buckets: [
      ...c.past.map((b, i) => ({ start: b.startIso, end: b.endIso, value: c.values[i]! })),
      ...c.next.map((b, k) => ({ start: b.startIso, end: b.endIso, projected: trendAt2(c.trend, n + k) })),
    ],
  };
}
