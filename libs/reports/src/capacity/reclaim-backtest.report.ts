import {
  DAY_MS,
  latestRecordBound,
  latestRecordInstant,
  peakWithin,
  returnedWithin,
  SEAT_PRODUCTS,
  tenureUnderPolicy,
  validationError,
  type Interval,
  type Product,
  type Reclaim,
  type TenureUnderPolicy,
} from '../../../domain/src/index.js';
import { formatPosition } from '../../../event-store/src/event-store.js';
import type { ReportContext, ReportDefinition, ReportRequest } from '../report-definition.js';
import { planSeries, seriesQuery, type SeriesPlan } from '../sessions/series.js';
import {
  activityBefore,
  inScope,
  openCapacityAccount,
  scopeOrgs,
  tenuresBefore,
  UserOrgs,
  type CapacityAccount,
  type StoredTenure,
} from './capacity-data.js';
import { refuseGroupBy, type ReclaimBacktestBody } from './bodies.js';

/**
 * `reclaim-backtest` (SPEC §8.2b): the seat history from its beginning to the window's end replayed
 * under "reclaim a seat idle for `idleDays` × 24 h" — what it would have freed, who came back, and the
 * seats held under the policy against the real ones.
 */
export const reclaimBacktestReport: ReportDefinition = {
  name: 'reclaim-backtest',
  replaysHistory: true,
  shape: 'series',
  products: SEAT_PRODUCTS,
  columns: ['assigned', 'assignedActual'],
  parameters: ['orgId', 'from', 'to', 'interval', 'idleDays'],
  run: async (request, context) => reclaimBody(await computeReclaim(request, context)),
};

/** A stretch of a seat held by a user of one organization (cut where the user moved). */
export interface HeldPiece extends Interval {
  readonly userId: string;
  readonly orgId: string | null;
  readonly tenure: StoredTenure;
}

export interface ScopedReclaim extends Reclaim {
  readonly userId: string;
  readonly tenure: StoredTenure;
}

export interface ReclaimComputation {
  readonly request: ReportRequest;
  readonly account: CapacityAccount;
  readonly product: Product;
  readonly orgId: string | null;
  readonly plan: SeriesPlan;
  readonly now: number;
  readonly idleDays: number;
  /** The end of the replay: the window's end, or just after now. */
  readonly horizon: number;
  /** Seats held under the policy and in reality, by users of the scope. */
  readonly policy: readonly HeldPiece[];
  readonly actual: readonly HeldPiece[];
  /** Reclaims of seats of the scope's users whose instant is in the window. */
  readonly reclaims: readonly ScopedReclaim[];
  /** Every tenure as the policy replayed it (its spans and reclaims up to the horizon). */
  readonly underPolicy: ReadonlyMap<StoredTenure, TenureUnderPolicy>;
}

export async function computeReclaim(request: ReportRequest, context: ReportContext): Promise<ReclaimComputation> {
  refuseGroupBy(request, 'reclaim-backtest');
  if (request.idleDays === undefined) throw validationError('idleDays', 'is required: the days without activity after which a seat is reclaimed');
  const query = seriesQuery(request, SEAT_PRODUCTS, 'reclaim-backtest');
  const account = await openCapacityAccount(context, query.accountId);
  const orgId = request.orgId ?? null;
  const orgs = scopeOrgs(account, orgId);
  const { now } = context;
  const plan = planSeries(query, account.timezone, now);
  // Every event at or before now happened; the policy is replayed up to the window's end.
  const horizon = Math.min(plan.window.end, now + 1);
  const [tenures, activity, userOrgs] = await Promise.all([
    tenuresBefore(account, query.product, horizon),
    activityBefore(account, query.product, horizon),
    UserOrgs.load(account),
  ]);

  const policy: HeldPiece[] = [];
  const actual: HeldPiece[] = [];
  const reclaims: ScopedReclaim[] = [];
  const underPolicy = new Map<StoredTenure, TenureUnderPolicy>();
  const pieces = (tenure: StoredTenure, span: Interval, into: HeldPiece[]) => {
    for (const piece of userOrgs.piecesOf(tenure.userId, span.start, span.end)) {
      if (inScope(orgs, piece.orgId)) into.push({ ...piece, userId: tenure.userId, tenure });
    }
  };
  for (const tenure of tenures) {
    pieces(tenure, { start: tenure.assignedAt, end: Math.min(tenure.unassignedAt ?? horizon, horizon) }, actual);
    const replayed = tenureUnderPolicy(tenure, activity.get(tenure.userId) ?? [], request.idleDays * DAY_MS, horizon);
    underPolicy.set(tenure, replayed);
    for (const span of replayed.spans) pieces(tenure, span, policy);
    for (const reclaim of replayed.reclaims) {
      if (reclaim.at < plan.window.start || reclaim.at >= horizon) continue;
      if (inScope(orgs, userOrgs.orgAt(tenure.userId, reclaim.at))) reclaims.push({ ...reclaim, userId: tenure.userId, tenure });
    }
  }
  return { request, account, product: query.product, orgId, plan, now, idleDays: request.idleDays, horizon, policy, actual, reclaims, underPolicy };
}

/** The pieces holding a seat at a bucket's latest record (SPEC §2): after every event up to its last instant. */
export function heldAtRecord(pieces: readonly HeldPiece[], bucket: Interval, now: number): HeldPiece[] {
  const at = latestRecordInstant(bucket, now);
  return pieces.filter((p) => p.start <= at && at < p.end);
}

export function reclaimBody(c: ReclaimComputation): ReclaimBacktestBody {
  const { plan, now } = c;
  const windowEnd = plan.buckets.length === 0 ? plan.window.start : latestRecordBound(plan.buckets.at(-1)!, now);
  return {
    report: 'reclaim-backtest',
    accountId: c.account.accountId,
    product: c.product,
    orgId: c.orgId,
    interval: c.request.interval ?? 'day',
    timezone: c.account.timezone,
    from: c.request.from!,
    to: c.request.to!,
    asOfPosition: formatPosition(c.account.position),
    idleDays: c.idleDays,
    reclaimed: c.reclaims.length,
    returnedWithin7Days: c.reclaims.filter((r) => returnedWithin(r, 7)).length,
    returnedWithin30Days: c.reclaims.filter((r) => returnedWithin(r, 30)).length,
    neverReturned: c.reclaims.filter((r) => r.returnedAt === null).length,
    peakAssigned: peakWithin(c.policy, plan.window.start, windowEnd).peak,
    peakAssignedActual: peakWithin(c.actual, plan.window.start, windowEnd).peak,
    buckets: plan.buckets.map((bucket) => ({
      start: bucket.startIso,
      end: bucket.endIso,
      assigned: heldAtRecord(c.policy, bucket, now).length,
      assignedActual: heldAtRecord(c.actual, bucket, now).length,
    })),
  };
}
