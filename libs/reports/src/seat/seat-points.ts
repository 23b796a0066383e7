import { sql, type Kysely } from 'kysely';
import { SEAT_METRIC } from '../../../../projections/shared/seat-spans.js';
import { orgGroups, type SeriesScope } from './series-scope.js';
import { textValue, type PointsQuery } from './step-series.js';

/**
 * Change points (see step-series.ts) of the seat metrics, from the tables of
 * projections/shared/seat-spans.ts and pool-versions.ts.
 *
 * - `assigned`, `activated`: `seat_changes`, the points the projection appends as seats are assigned,
 *   activated, unassigned and their holders move: seats held by users whose organization (at that
 *   instant) counts for the group, and those of them activated.
 * - `purchased`: the account: +q at max(version start, startsAt), −q at min(version end, expiresAt);
 *   an org: its dedication versions, +q at their start, −q at their end.
 *
 * Only points before `before` (the last evaluation instant) are selected.
 */

type Metric = keyof typeof SEAT_METRIC;

export function seatPoints(db: Kysely<any>, scope: SeriesScope, metrics: readonly Metric[], before: number): PointsQuery | null {
  if (scope.groups.length === 0 || metrics.length === 0) return null;
  const single = scope.groups.length === 1 && scope.groups[0]!.orgs === null;
  const query = db.selectFrom('seat_changes as c')
    .where('c.account_id', '=', scope.accountId).where('c.product', '=', scope.product)
    .where('c.ts', '<', sql<Date>`${new Date(before).toISOString()}::timestamptz`)
    .where('c.metric', 'in', metrics.map((m) => SEAT_METRIC[m]));
  const metric = sql<string>`CASE c.metric WHEN ${SEAT_METRIC.assigned} THEN 'assigned' ELSE 'activated' END`.as('metric');
  if (!single) {
    const { orgIds, keys } = orgGroups(scope.groups);
    const mapping = sql<{ org_id: string; grp: string }>`unnest(${orgIds}::text[], ${keys}::text[])`.as<'g'>(sql`g(org_id, grp)`);
    return query.innerJoin(mapping, 'g.org_id', 'c.org_id').select(['g.grp', metric, 'c.ts', 'c.d']) as unknown as PointsQuery;
  }
  return query.select([textValue(scope.groups[0]!.key).as('grp'), metric, 'c.ts', 'c.d']) as unknown as PointsQuery;
}

export function purchasedPoints(db: Kysely<any>, scope: SeriesScope, before: number): PointsQuery | null {
  const last = sql`${new Date(before).toISOString()}::timestamptz`;
  const parts: PointsQuery[] = [];
  const account = scope.groups.find((g) => g.rootOrgId === null);
  if (account) {
    const from = sql`greatest(p.version_from, p.starts_at)`;
    const to = sql`least(p.version_to, p.expires_at)`;
    const versions = () => db.selectFrom('purchase_versions as p')
      .where('p.account_id', '=', scope.accountId).where('p.product', '=', scope.product).where(from, '<', to)
      .select([textValue(account.key).as('grp'), textValue('purchased').as('metric')]);
    parts.push(versions().select([from.as('ts'), sql<number>`p.quantity`.as('d')]).where(from, '<', last) as PointsQuery);
    parts.push(versions().select([to.as('ts'), sql<number>`-p.quantity`.as('d')]).where(to, '<', last) as PointsQuery);
  }
  const orgs = scope.groups.filter((g) => g.rootOrgId !== null);
  if (orgs.length > 0) {
    const roots = sql<{ org_id: string; grp: string }>`unnest(${orgs.map((g) => g.rootOrgId!)}::text[], ${orgs.map((g) => g.key)}::text[])`
      .as<'g'>(sql`g(org_id, grp)`);
    const versions = () => db.selectFrom('dedication_versions as v').innerJoin(roots, 'g.org_id', 'v.org_id')
      .where('v.account_id', '=', scope.accountId).where('v.product', '=', scope.product)
      .select(['g.grp', textValue('purchased').as('metric')]);
    parts.push(versions().select(['v.valid_from as ts', sql<number>`v.quantity`.as('d')]).where('v.valid_from', '<', last) as PointsQuery);
    parts.push(versions().select(['v.valid_to as ts', sql<number>`-v.quantity`.as('d')]).where('v.valid_to', '<', last) as PointsQuery);
  }
  return unionAll(parts);
}

export function unionAll(parts: readonly (PointsQuery | null)[]): PointsQuery | null {
  const present = parts.filter((p): p is PointsQuery => p !== null);
  if (present.length === 0) return null;
  return present.slice(1).reduce((all, part) => all.unionAll(part), present[0]!);
}
