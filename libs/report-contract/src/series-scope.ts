import { formatPosition, type LogPosition } from '../../event-store/src/event-store.js';
import { DomainError } from '../../domain/src/errors.js';
import type { Product } from '../../domain/src/products.js';
import { buckets, reportWindow, type Bucket, type BucketInterval, type ReportWindow } from '../../domain/src/time/index.js';
import type { OrgTree } from '../../../projections/shared/directory-tables.js';
import type { SeriesBody, SeriesBucket } from '../../contracts/src/index.js';
import type { ReportRequest } from './report-spec.js';

/**
 * What every bucket-series report of an account works out first: the zone, the org tree, the buckets
 * of the window, the instant each bucket is evaluated at, and the groups (the scope, or one group per
 * direct child org with groupBy=org).
 */
export interface SeriesGroup {
  /** Key of the group in queries: '' for the single scope, else the child org's id. Groups are sorted by name. */
  readonly key: string;
  /** The org whose `dedicated` is the group's capacity; null for the account. */
  readonly rootOrgId: string | null;
  readonly name: string;
  /** Organizations whose members count for the group; null for the whole account (no filter). */
  readonly orgs: readonly string[] | null;
}

export interface SeriesScope {
  readonly accountId: string;
  readonly product: string;
  readonly zone: string;
  readonly tree: OrgTree;
  readonly window: ReportWindow;
  readonly interval: BucketInterval;
  readonly buckets: readonly Bucket[];
  /**
   * Where each bucket's latest record is read: its end (state after every event before it), or for
   * the bucket containing now, now + 1 ms (every event at or before now).
   */
  readonly recordAt: readonly number[];
  readonly groups: readonly SeriesGroup[];
}

/** The series scope of a request for an account in `zone` whose organizations are `tree`. */
export function seriesScopeOf(request: ReportRequest, zone: string, tree: OrgTree, now: number): SeriesScope {
  const product = requireProduct(request);
  const scopeOrgs = request.orgId !== undefined ? [...tree.subtree(request.orgId)] : null;
  const interval = request.interval ?? 'day';
  const window = reportWindow(request.from!, request.to!, zone);
  const list = buckets({ from: request.from!, to: request.to!, interval, zone, now });
  const recordAt = list.map((b) => (b.end <= now ? b.end : now + 1));
  const groups: SeriesGroup[] =
    request.groupBy === 'org'
      ? [...tree.children(request.orgId ?? null)]
          .sort(byName((orgId) => tree.name(orgId)))
          .map((orgId) => ({ key: orgId, rootOrgId: orgId, name: tree.name(orgId), orgs: [...tree.subtree(orgId)] }))
      : [{ key: '', rootOrgId: request.orgId ?? null, name: request.orgId !== undefined ? tree.name(request.orgId) : 'Account', orgs: scopeOrgs }];
  return { accountId: request.accountId, product, zone, tree, window, interval, buckets: list, recordAt, groups };
}

/** groupBy=org: series in the order of their orgs' names, then ids. */
export function byName(nameOf: (orgId: string) => string): (x: string, y: string) => number {
  return (x, y) => nameOf(x).localeCompare(nameOf(y)) || (x < y ? -1 : x > y ? 1 : 0);
}

export function requireProduct(request: ReportRequest): Product {
  if (request.product === undefined) {
    throw new DomainError('VALIDATION_FAILED', 'product: is required', [{ path: 'product', message: 'is required' }]);
  }
  return request.product;
}

/** The series body of SPEC §6, `buckets` or (groupBy) `series`, from per-group bucket metrics. */
export function seriesBody<M extends Record<string, number>>(
  report: string,
  request: ReportRequest,
  scope: SeriesScope,
  position: LogPosition | null,
  metricsOf: (group: SeriesGroup, index: number) => M,
): SeriesBody<M> {
  const bucketsOf = (group: SeriesGroup): SeriesBucket<M>[] =>
    scope.buckets.map((b, i) => ({ start: b.startIso, end: b.endIso, ...metricsOf(group, i) }));
  const head = {
    report,
    accountId: request.accountId,
    product: scope.product,
    orgId: request.orgId ?? null,
    interval: scope.interval,
    timezone: scope.zone,
    from: request.from!,
    to: request.to!,
    asOfPosition: formatPosition(position),
  };
  return request.groupBy === 'org'
    ? { ...head, series: scope.groups.map((g) => ({ orgId: g.key, name: g.name, buckets: bucketsOf(g) })) }
    : { ...head, buckets: bucketsOf(scope.groups[0]!) };
}

/** `unnest(orgIds, groupKeys) AS g(org_id, grp)`: which group each organization counts for. */
export function orgGroups(groups: readonly SeriesGroup[]): { orgIds: string[]; keys: string[] } {
  const orgIds: string[] = [];
  const keys: string[] = [];
  for (const g of groups)
    for (const org of g.orgs ?? []) {
      orgIds.push(org);
      keys.push(g.key);
    }
  return { orgIds, keys };
}
