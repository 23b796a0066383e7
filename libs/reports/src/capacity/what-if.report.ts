import {
  deniedDemandSeconds,
  DomainError,
  latestRecordInstant,
  modelOf,
  peaksAndInstants,
  PRODUCT_CODES,
  recommendQuantity,
  WhatIfReplay,
  type Bucket,
  type DemandUnit,
  type Hypothesis,
  type Interval,
  type Peak,
  type Product,
  type Recommendation,
  type ReplayDecision,
  type ReplayUnit,
} from '../../../domain/src/index.js';
import { formatPosition } from '../../../event-store/src/event-store.js';
import type { ReportContext, ReportDefinition, ReportRequest } from '../report-definition.js';
import { bucketPeaks, planSeries, seriesQuery, type BucketPeak, type SeriesPlan } from '../sessions/series.js';
import {
  denialsWithin,
  inScope,
  openCapacityAccount,
  PoolHistory,
  scopeOrgs,
  unitsOverlapping,
  UserOrgs,
  type CapacityAccount,
  type StoredDenial,
  type StoredUnit,
} from './capacity-data.js';
import { overlapMs, refuseGroupBy, type WhatIfBody, type WhatIfBucket } from './bodies.js';

/** Session products and TrueTest: what-if replays units drawn at once, not seats. */
export const WHAT_IF_PRODUCTS: readonly Product[] = PRODUCT_CODES.filter((p) => modelOf(p) !== 'seat');

/** The metric names of a product's buckets: §4.5's for session products, §4.6's for TrueTest. */
export function usageNames(product: Product): { readonly capacity: string; readonly peak: string } {
  return product === 'TRUETEST' ? { capacity: 'purchased', peak: 'peakActiveApplications' } : { capacity: 'availableSessions', peak: 'peakUsage' };
}

/**
 * `what-if` (SPEC §8.1): the window's demand — accepted sessions (activations) as they ran and attempts
 * denied for capacity, each given the median accepted duration or `deniedDuration` — replayed under
 * the hypothesis (`quantity`, `dedications`) with the pool rules of §1, beside what happened.
 */
export const whatIfReport: ReportDefinition = {
  name: 'what-if',
  replaysHistory: true,
  shape: 'series',
  products: WHAT_IF_PRODUCTS,
  columns: [
    'availableSessions',
    'purchased',
    'peakUsage',
    'peakActiveApplications',
    'averagePeak',
    'denied',
    'unmetSeconds',
    'actual.availableSessions',
    'actual.purchased',
    'actual.peakUsage',
    'actual.peakActiveApplications',
    'actual.averagePeak',
    'actual.denied',
  ],
  parameters: ['orgId', 'from', 'to', 'interval', 'quantity', 'dedications', 'deniedDuration'],
  run: async (request, context) => whatIfBody(await computeWhatIf(request, context)),
};

/** One demand of the window and what became of it, under the hypothesis and in reality. */
export interface DemandEntry {
  readonly unit: DemandUnit;
  /** The stored session (activation) or denial it comes from. */
  readonly source: { readonly kind: 'unit'; readonly unit: StoredUnit } | { readonly kind: 'denial'; readonly denial: StoredDenial };
  readonly inScope: boolean;
  readonly decision: ReplayDecision;
}

export interface WhatIfComputation {
  readonly request: ReportRequest;
  readonly account: CapacityAccount;
  readonly product: Product;
  readonly orgId: string | null;
  readonly plan: SeriesPlan;
  readonly now: number;
  readonly hypothesis: Hypothesis;
  readonly deniedSeconds: number;
  readonly history: PoolHistory;
  /** Units that keep their real history (open at the window's start, offline licenses). */
  readonly held: readonly { readonly unit: StoredUnit; readonly inScope: boolean }[];
  readonly demand: readonly DemandEntry[];
  readonly recommendation: Recommendation;
}

export async function computeWhatIf(request: ReportRequest, context: ReportContext): Promise<WhatIfComputation> {
  refuseGroupBy(request, 'what-if');
  const query = seriesQuery(request, WHAT_IF_PRODUCTS, 'what-if');
  const account = await openCapacityAccount(context, query.accountId);
  const orgId = request.orgId ?? null;
  const orgs = scopeOrgs(account, orgId);
  const hypothesis = hypothesisOf(request, account);
  const { now, leaseMs } = context;
  const plan = planSeries(query, account.timezone, now);
  const { start, end } = plan.window;
  const [history, userOrgs, units, denials] = await Promise.all([
    PoolHistory.load(account, query.product),
    UserOrgs.load(account),
    unitsOverlapping(account, query.product, start, end, now, leaseMs),
    denialsWithin(account, query.product, start, end),
  ]);

  const heldUnits = units.filter((u) => u.drawsUnit && (u.start < start || u.kind === 'offline'));
  const accepted = units.filter((u) => u.drawsUnit && u.kind !== 'offline' && u.start >= start);
  const deniedSeconds = deniedDemandSeconds(
    request.deniedDuration,
    accepted.map((u) => Math.min(u.end, now) - u.start),
  );
  const entries: Omit<DemandEntry, 'decision'>[] = [
    ...accepted.map((u) => ({ unit: demandOf(u), source: { kind: 'unit' as const, unit: u }, inScope: inScope(orgs, u.orgId) })),
    ...denials.map((d) => ({
      unit: { id: d.attemptId, userId: d.userId, orgId: d.orgId, start: d.at, seq: d.seq, end: d.at + deniedSeconds * 1000, kind: 'denied' as const },
      source: { kind: 'denial' as const, denial: d },
      inScope: inScope(orgs, d.orgId),
    })),
  ].sort((a, b) => a.unit.start - b.unit.start || a.unit.seq - b.unit.seq);

  const replay = new WhatIfReplay({
    parentOf: account.parentOf,
    poolChanges: history.changes,
    moves: userOrgs.moves,
    held: heldUnits.map(replayUnitOf),
    demand: entries.map((e) => e.unit),
  });
  const { decisions } = replay.replay(hypothesis);
  const recommendation = recommendQuantity(replay, hypothesis, (i) => entries[i]!.inScope);
  return {
    request,
    account,
    product: query.product,
    orgId,
    plan,
    now,
    hypothesis,
    deniedSeconds,
    history,
    held: heldUnits.map((unit) => ({ unit, inScope: inScope(orgs, unit.orgId) })),
    demand: entries.map((e, i) => ({ ...e, decision: decisions[i]! })),
    recommendation,
  };
}

function replayUnitOf(u: StoredUnit): ReplayUnit {
  return { id: u.unitId, userId: u.userId, orgId: u.orgId, start: u.start, seq: u.startSeq, end: u.end };
}

function demandOf(u: StoredUnit): DemandUnit {
  return { ...replayUnitOf(u), kind: 'accepted' };
}

/** The named values, every named organization checked (NOT_FOUND naming `dedications`). */
function hypothesisOf(request: ReportRequest, account: CapacityAccount): Hypothesis {
  for (const orgId of request.dedications?.keys() ?? []) {
    if (account.parentOf(orgId) === undefined) {
      throw new DomainError('NOT_FOUND', `organization '${orgId}' does not exist`, [
        { path: 'dedications', message: `names organization '${orgId}', which does not exist` },
      ]);
    }
  }
  return {
    ...(request.quantity !== undefined ? { quantity: request.quantity } : {}),
    ...(request.dedications !== undefined ? { dedications: request.dedications } : {}),
  };
}

/** A unit that holds one in a peak of the scope: a held session, or demand that held its unit. */
export type PeakUnit = Interval & ({ readonly kind: 'held'; readonly unit: StoredUnit } | { readonly kind: 'demand'; readonly entry: DemandEntry });

/** The intervals that make the peaks of the scope: held sessions (not offline licenses) and the demand `holds` says held its unit. */
export function peakIntervals(c: WhatIfComputation, holds: (entry: DemandEntry) => boolean): PeakUnit[] {
  const intervals: PeakUnit[] = [];
  for (const { unit, inScope: scoped } of c.held)
    if (scoped && unit.kind !== 'offline') intervals.push({ start: unit.start, end: unit.end, kind: 'held', unit });
  for (const entry of c.demand)
    if (entry.inScope && holds(entry)) intervals.push({ start: entry.unit.start, end: entry.unit.end, kind: 'demand', entry });
  return intervals;
}

export const admittedUnderHypothesis = (entry: DemandEntry): boolean => entry.decision.admitted;
export const acceptedInReality = (entry: DemandEntry): boolean => entry.unit.kind === 'accepted';

/** Per bucket: its peak and averagePeak (§4.5) over `units`, with each sub-bucket's peak and the earliest instant of it. */
export interface WhatIfPeaks extends BucketPeak {
  readonly subBuckets: readonly (Peak & { readonly start: number; readonly end: number })[];
}

export function whatIfPeaks(c: WhatIfComputation, units: readonly PeakUnit[]): WhatIfPeaks[] {
  const peaks = peaksAndInstants(units, c.plan.subBuckets);
  return bucketPeaks(
    c.plan,
    c.request.interval ?? 'day',
    peaks.map((p) => p.peak),
  ).map((bucket, i) => ({
    ...bucket,
    subBuckets: c.plan.subsOf[i]!.map((j) => ({ ...c.plan.subBuckets[j]!, ...peaks[j]! })),
  }));
}

const startsIn = (entry: DemandEntry, bucket: Bucket): boolean => entry.unit.start >= bucket.start && entry.unit.start < bucket.end;

/** `denied`: the scope's demand the hypothesis refuses that starts in the bucket. */
export function refusedStarting(c: WhatIfComputation, bucket: Bucket): DemandEntry[] {
  return c.demand.filter((e) => e.inScope && !e.decision.admitted && startsIn(e, bucket));
}

/** `actual.denied`: the scope's attempts denied in reality that start in the bucket. */
export function deniedStarting(c: WhatIfComputation, bucket: Bucket): DemandEntry[] {
  return c.demand.filter((e) => e.inScope && e.unit.kind === 'denied' && startsIn(e, bucket));
}

/** `unmetSeconds`: the scope's refused demand overlapping the bucket, with its milliseconds inside it (up to now). */
export function refusedOverlapping(c: WhatIfComputation, bucket: Bucket): { readonly entry: DemandEntry; readonly ms: number }[] {
  return c.demand
    .filter((e) => e.inScope && !e.decision.admitted)
    .map((entry) => ({ entry, ms: overlapMs(entry.unit, bucket, c.now) }))
    .filter((o) => o.ms > 0);
}

/** `availableSessions` (`purchased`): the scope's dedicated quantity at the bucket's latest record, under the hypothesis or in reality. */
export function capacityAt(c: WhatIfComputation, bucket: Bucket, hypothetical: boolean): number {
  const overrides = hypothetical ? { purchased: c.hypothesis.quantity, dedications: c.hypothesis.dedications } : {};
  return c.history.dedicatedAt(c.orgId, latestRecordInstant(bucket, c.now), overrides);
}

export function whatIfBody(c: WhatIfComputation): WhatIfBody {
  const { plan, product } = c;
  const names = usageNames(product);
  const interval = c.request.interval ?? 'day';
  const hypothetical = whatIfPeaks(c, peakIntervals(c, admittedUnderHypothesis));
  const actual = whatIfPeaks(c, peakIntervals(c, acceptedInReality));
  const scoped = c.demand.filter((e) => e.inScope);
  const buckets: WhatIfBucket[] = plan.buckets.map((bucket, i) => ({
    start: bucket.startIso,
    end: bucket.endIso,
    [names.capacity]: capacityAt(c, bucket, true),
    [names.peak]: hypothetical[i]!.peak,
    averagePeak: hypothetical[i]!.averagePeak,
    denied: refusedStarting(c, bucket).length,
    unmetSeconds: Math.floor(refusedOverlapping(c, bucket).reduce((sum, o) => sum + o.ms, 0) / 1000),
    actual: {
      [names.capacity]: capacityAt(c, bucket, false),
      [names.peak]: actual[i]!.peak,
      averagePeak: actual[i]!.averagePeak,
      denied: deniedStarting(c, bucket).length,
    },
  }));
  return {
    report: 'what-if',
    accountId: c.account.accountId,
    product,
    orgId: c.orgId,
    interval,
    timezone: c.account.timezone,
    from: c.request.from!,
    to: c.request.to!,
    asOfPosition: formatPosition(c.account.position),
    hypothesis: {
      quantity: c.hypothesis.quantity ?? null,
      dedications: c.hypothesis.dedications ? Object.fromEntries(c.hypothesis.dedications) : null,
    },
    deniedDuration: c.deniedSeconds,
    demand: scoped.length,
    refused: scoped.filter((e) => !e.decision.admitted).length,
    recommendation: c.recommendation,
    buckets,
  };
}
