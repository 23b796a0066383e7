import { DomainError } from '../../domain/src/errors.js';
import type { Product } from '../../domain/src/products.js';
import type { AccountState } from '../../domain/src/state.js';
import { buckets, reportWindow, type Bucket, type BucketInterval, type ReportWindow } from '../../domain/src/time/index.js';
import type { StoredLedgerEvent } from '../../event-store/src/stored-ledger-event.js';
import type { SeriesBucket as BodyBucket, SeriesBody } from '../../contracts/src/index.js';
import type { ReportRequest } from '../../report-contract/src/report-spec.js';
import { byName } from '../../report-contract/src/series-scope.js';
import { childrenOf, replayAccount, lastPosition, subtreeOf } from './replay-account.js';

/** One series of a body: the scope, or (groupBy=org) one direct child org of it. */
export interface ReplayGroup {
  /** The org whose figures the group shows; null for the account. */
  readonly orgId: string | null;
  readonly name: string;
  /** Organizations whose users count for the group; null for every user. */
  readonly orgs: ReadonlySet<string> | null;
}

/** What every replayed bucket series starts from: the account as it stands, the buckets and the groups. */
export interface ReplaySeriesPlan {
  readonly state: AccountState;
  readonly product: Product;
  readonly zone: string;
  readonly interval: BucketInterval;
  readonly window: ReportWindow;
  readonly buckets: readonly Bucket[];
  /** Where each bucket's latest record (SPEC §2) is read: after every event at or before this instant. */
  readonly recordAt: readonly number[];
  readonly groups: readonly ReplayGroup[];
}

export function planReplaySeries(events: readonly StoredLedgerEvent[], request: ReportRequest, now: number): ReplaySeriesPlan {
  const state = replayAccount(events, request.accountId);
  if (request.product === undefined)
    throw new DomainError('VALIDATION_FAILED', 'product: is required', [{ path: 'product', message: 'is required' }]);
  const zone = state.timezone;
  const interval = request.interval ?? 'day';
  const window = reportWindow(request.from!, request.to!, zone);
  const list = buckets({ from: request.from!, to: request.to!, interval, zone, now });
  const scope = request.orgId ?? null;
  const scopeOrgs = scope === null ? null : subtreeOf(state, scope);
  const groupOf = (orgId: string | null): ReplayGroup =>
    orgId === null
      ? { orgId: null, name: 'Account', orgs: null }
      : { orgId, name: state.orgs.get(orgId)!.name, orgs: orgId === scope ? scopeOrgs : subtreeOf(state, orgId) };
  let groups: ReplayGroup[];
  if (request.groupBy === 'org') {
    groups = childrenOf(state, scope)
      .sort(byName((orgId) => state.orgs.get(orgId)!.name))
      .map(groupOf);
  } else {
    groups = [groupOf(scope)];
  }
  return {
    state,
    product: request.product,
    zone,
    interval,
    window,
    buckets: list,
    recordAt: list.map((b) => Math.min(b.end - 1, now)),
    groups,
  };
}

/** The series body of SPEC §6 (`buckets`, or `series` with groupBy=org). */
export function replaySeriesBody(
  report: string,
  request: ReportRequest,
  plan: ReplaySeriesPlan,
  events: readonly StoredLedgerEvent[],
  metricsOf: (group: ReplayGroup, index: number) => Record<string, number>,
): SeriesBody {
  const bucketsOf = (group: ReplayGroup): BodyBucket[] => plan.buckets.map((b, i) => ({ start: b.startIso, end: b.endIso, ...metricsOf(group, i) }));
  const head = {
    report,
    accountId: request.accountId,
    product: plan.product,
    orgId: request.orgId ?? null,
    interval: plan.interval,
    timezone: plan.zone,
    from: request.from!,
    to: request.to!,
    asOfPosition: lastPosition(events),
  };
  return request.groupBy === 'org'
    ? { ...head, series: plan.groups.map((g) => ({ orgId: g.orgId!, name: g.name, buckets: bucketsOf(g) })) }
    : { ...head, buckets: bucketsOf(plan.groups[0]!) };
}

/** True when a user of `orgId` counts for the group. */
export const inGroup = (group: ReplayGroup, orgId: string): boolean => group.orgs === null || group.orgs.has(orgId);
