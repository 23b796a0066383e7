import { sql } from 'kysely';
import type { ReadModelDb } from '../../../../projections/engine/read-model-db.js';
import type { PoolVersionTables } from '../../../../projections/shared/pool-versions.js';
import { SEAT_METRIC, type SeatSpanTables } from '../../../../projections/shared/seat-spans.js';
import { orgGroups, type SeriesScope } from '../../../report-contract/src/series-scope.js';
import { textValue, type PointsQuery, type StepPoint } from './step-series.js';

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

export function seatPoints(db: ReadModelDb<SeatSpanTables>, scope: SeriesScope, metrics: readonly Metric[], before: number): PointsQuery | null {
  if (scope.groups.length === 0 || metrics.length === 0) return null;
  const single = scope.groups.length === 1 && scope.groups[0]!.orgs === null;
  const metric = sql`CASE c.metric WHEN ${SEAT_METRIC.assigned} THEN 'assigned' ELSE 'activated' END`;
  const where = sql`c.account_id = ${scope.accountId} AND c.product = ${scope.product} AND c.ts < ${before}
    AND c.metric IN (${sql.join(metrics.map((m) => SEAT_METRIC[m]))})`;
  if (!single) {
    const { orgIds, keys } = orgGroups(scope.groups);
    return sql<StepPoint>`SELECT g.grp, ${metric} AS metric, c.ts, c.d FROM ${db.table('seat_changes')} AS c
      JOIN unnest(${orgIds}::text[], ${keys}::text[]) AS g(org_id, grp) ON g.org_id = c.org_id
      WHERE ${where}`;
  }
  return sql<StepPoint>`SELECT ${textValue(scope.groups[0]!.key)} AS grp, ${metric} AS metric, c.ts, c.d FROM ${db.table('seat_changes')} AS c
    WHERE ${where}`;
}

export function purchasedPoints(db: ReadModelDb<PoolVersionTables>, scope: SeriesScope, before: number): PointsQuery | null {
  const parts: PointsQuery[] = [];
  const account = scope.groups.find((g) => g.rootOrgId === null);
  if (account) {
    const from = sql`greatest(p.version_from, p.starts_at)`;
    const to = sql`least(p.version_to, p.expires_at)`;
    const versions = sql`FROM ${db.table('purchase_versions')} AS p
      WHERE p.account_id = ${scope.accountId} AND p.product = ${scope.product} AND ${from} < ${to}`;
    const head = sql`SELECT ${textValue(account.key)} AS grp, ${textValue('purchased')} AS metric`;
    parts.push(sql<StepPoint>`${head}, ${from} AS ts, p.quantity AS d ${versions} AND ${from} < ${before}`);
    parts.push(sql<StepPoint>`${head}, ${to} AS ts, -p.quantity AS d ${versions} AND ${to} < ${before}`);
  }
  const orgs = scope.groups.filter((g) => g.rootOrgId !== null);
  if (orgs.length > 0) {
    const versions = sql`FROM ${db.table('dedication_versions')} AS v
      JOIN unnest(${orgs.map((g) => g.rootOrgId!)}::text[], ${orgs.map((g) => g.key)}::text[]) AS g(org_id, grp) ON g.org_id = v.org_id
      WHERE v.account_id = ${scope.accountId} AND v.product = ${scope.product}`;
    const head = sql`SELECT g.grp, ${textValue('purchased')} AS metric`;
    parts.push(sql<StepPoint>`${head}, v.valid_from AS ts, v.quantity AS d ${versions} AND v.valid_from < ${before}`);
    parts.push(sql<StepPoint>`${head}, v.valid_to AS ts, -v.quantity AS d ${versions} AND v.valid_to < ${before}`);
  }
  return unionAll(parts);
}

export function unionAll(parts: readonly (PointsQuery | null)[]): PointsQuery | null {
  const present = parts.filter((p): p is PointsQuery => p !== null);
  if (present.length === 0) return null;
  return sql<StepPoint>`${sql.join(
    present.map((part) => sql`(${part})`),
    sql` UNION ALL `,
  )}`;
}
