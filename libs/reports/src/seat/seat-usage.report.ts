import { mean2 } from '../../../domain/src/mean.js';
import { sql } from 'kysely';
import type { ReadModelDb } from '../../../../projections/engine/read-model-db.js';
import { SLOT_MS, type ActivityTables, type SeatUsageTables } from '../../../../projections/seat-usage.projection.js';
import type { OrgDirectoryTables } from '../../../../projections/shared/directory-tables.js';
import type { SeatSpanTables } from '../../../../projections/shared/seat-spans.js';
import { SEAT_PRODUCTS } from '../../../domain/src/products.js';
import { localDaysIn, type LocalDay } from '../../../domain/src/time/index.js';
import type { SeriesBodyOf } from '../../../contracts/src/index.js';
import type { ReportContext, ReportDefinition, ReportRequest } from '../report-definition.js';
import { SERIES_PARAMETERS } from '../../../report-contract/src/report-request.js';
import { seatPoints } from './seat-points.js';
import { orgGroups, seriesBody, type SeriesScope } from '../../../report-contract/src/series-scope.js';
import { seriesScope } from './series-scope.js';
import { evaluateSteps } from './step-series.js';

export const SEAT_USAGE_METRICS = ['activeUsers', 'averageDailyActive', 'peakDailyActive', 'assigned'] as const;

/**
 * `seat-usage` (SPEC §4.3): daily unique activity on a seat product. Per bucket:
 * - activeUsers: distinct users active in the bucket (up to now);
 * - averageDailyActive: mean of the daily distinct counts over the bucket's days inside the window
 *   and up to now, zero days included, 2 decimals; peakDailyActive: the largest of them;
 * - assigned: seats held at the bucket's latest record, as in seat-history.
 * An hour bucket is its own only "day": its three activity figures are the hour's distinct users.
 * Users count for the organization they were in when active; groupBy=org: one series per direct
 * child org of the scope.
 */
export const seatUsageReport: ReportDefinition = {
  name: 'seat-usage',
  shape: 'series',
  products: SEAT_PRODUCTS,
  columns: SEAT_USAGE_METRICS,
  parameters: SERIES_PARAMETERS,
  async run(request: ReportRequest, context: ReportContext): Promise<SeriesBodyOf<'seat-usage'>> {
    const { db, position } = await context.projections.reader<SeatUsageTables>('seat-usage');
    const scope = await seriesScope(db.part<OrgDirectoryTables>(), request, context.now);
    const keys = scope.groups.map((g) => g.key);
    const assigned = await evaluateSteps(
      db.kysely,
      seatPoints(db.part<SeatSpanTables>(), scope, ['assigned'], Math.max(0, ...scope.recordAt)),
      keys,
      ['assigned'],
      scope.recordAt,
    );
    // An hour bucket is its own only day: no local days to work out (luxon is not cheap at 744 buckets).
    const days = scope.interval === 'hour' ? [] : scope.buckets.map((b) => localDaysIn(b, scope.zone, scope.window, context.now));
    const activity =
      scope.interval === 'hour'
        ? await hourlyActivity(db.part<ActivityTables>(), scope)
        : await dailyActivity(db.part<ActivityTables>(), scope, days);
    return seriesBody('seat-usage', request, scope, position, (group, i) => {
      const counts = activity.get(group.key)?.[i];
      const daily = scope.interval === 'hour' ? [counts?.total ?? 0] : days[i]!.map((d) => counts?.byDay.get(d.date) ?? 0);
      return {
        activeUsers: counts?.total ?? 0,
        averageDailyActive: mean2(daily),
        peakDailyActive: Math.max(0, ...daily),
        assigned: assigned.get(group.key)!.get('assigned')![i]!,
      };
    });
  },
};

interface BucketActivity {
  total: number;
  readonly byDay: Map<string, number>;
}

/** group key → per bucket: distinct users over the bucket and per local day. */
type Activity = Map<string, BucketActivity[]>;

function emptyActivity(scope: SeriesScope): Activity {
  return new Map(scope.groups.map((g) => [g.key, scope.buckets.map(() => ({ total: 0, byDay: new Map<string, number>() }))]));
}

/** The groups' organizations as a join, or nothing for the whole account. */
function groupJoin(scope: SeriesScope) {
  if (scope.groups.length === 1 && scope.groups[0]!.orgs === null) return null;
  const { orgIds, keys } = orgGroups(scope.groups);
  return sql<{ org_id: string; grp: string }>`unnest(${orgIds}::text[], ${keys}::text[])`.as<'g'>(sql`g(org_id, grp)`);
}

/**
 * Distinct users per (group, local day) and per (group, bucket), in one statement: the (group, day,
 * user) triples of the window (for the whole scope, straight from the primary key's order), each
 * numbered with its bucket by width_bucket over the buckets' first days (no join on ranges); counted
 * per day, and — unless buckets are days — deduplicated once more per bucket.
 */
async function dailyActivity(readModel: ReadModelDb<ActivityTables>, scope: SeriesScope, days: readonly (readonly LocalDay[])[]): Promise<Activity> {
  const db = readModel.kysely;
  const activity = emptyActivity(scope);
  const firstDays = days.map((list) => list[0]?.date);
  if (firstDays.length === 0 || firstDays.some((d) => d === undefined) || scope.groups.length === 0) return activity;
  const lastDay = days[days.length - 1]!.at(-1)!.date;
  const join = groupJoin(scope);
  const window = db
    .selectFrom('activity_days as a')
    .where('a.account_id', '=', scope.accountId)
    .where('a.product', '=', scope.product)
    .where(sql`a.local_date`, '>=', sql`${firstDays[0]!}::date`)
    .where(sql`a.local_date`, '<=', sql`${lastDay}::date`)
    .distinct();
  const triples =
    join === null
      ? window.select([sql<string>`a.local_date`.as('day'), 'a.user_id'])
      : window.innerJoin(join, 'g.org_id', 'a.org_id').select(['g.grp', sql<string>`a.local_date`.as('day'), 'a.user_id']);
  const grp = join === null ? sql`''::text` : sql`t.grp`;
  const perBucket =
    scope.interval === 'day'
      ? sql``
      : sql`UNION ALL SELECT grp, i, NULL, count(*)::int FROM (SELECT DISTINCT grp, i, user_id FROM active) bucket_users GROUP BY grp, i`;
  const { rows: counted } = await sql<{ grp: string; i: number; day: string | null; n: number }>`
    WITH active AS (SELECT ${grp} AS grp, t.day, t.user_id, width_bucket(t.day, ${firstDays}::date[]) - 1 AS i FROM (${triples}) t)
    SELECT grp, i, day::text AS day, count(*)::int AS n FROM active GROUP BY grp, i, day
    ${perBucket}`.execute(db);
  for (const row of counted) {
    const bucket = activity.get(join !== null ? row.grp : scope.groups[0]!.key)?.[Number(row.i)];
    if (!bucket) continue;
    if (row.day === null) {
      bucket.total = Number(row.n);
    } else {
      bucket.byDay.set(row.day, Number(row.n));
      if (scope.interval === 'day') bucket.total = Number(row.n);
    }
  }
  return activity;
}

/** Distinct users per (group, hour bucket), from the 15-minute slots (width_bucket over the bucket starts). */
async function hourlyActivity(readModel: ReadModelDb<ActivityTables>, scope: SeriesScope): Promise<Activity> {
  const db = readModel.kysely;
  const activity = emptyActivity(scope);
  if (scope.buckets.length === 0 || scope.groups.length === 0) return activity;
  // Slots by number: slot n starts at n × SLOT_MS, so it starts at or after instant t when n ≥ ⌈t / SLOT_MS⌉.
  const starts = scope.buckets.map((b) => Math.ceil(b.start / SLOT_MS));
  const end = Math.ceil(scope.buckets[scope.buckets.length - 1]!.end / SLOT_MS);
  const join = groupJoin(scope);
  const rows = db
    .selectFrom('activity_slots as a')
    .where('a.account_id', '=', scope.accountId)
    .where('a.product', '=', scope.product)
    .where('a.slot', '>=', starts[0]!)
    .where('a.slot', '<', end)
    .$if(join !== null, (qb) => qb.innerJoin(join!, 'g.org_id', 'a.org_id'))
    .select([
      join !== null ? sql<string>`g.grp`.as('grp') : sql<string>`''::text`.as('grp'),
      sql<number>`width_bucket(a.slot, ${starts}::int[]) - 1`.as('i'),
      'a.user_id',
    ])
    .groupBy(['grp', 'i', 'a.user_id']);
  const { rows: counted } = await sql<{ grp: string; i: number; n: number }>`
    SELECT grp, i, count(*)::int AS n FROM (${rows}) bucket_users GROUP BY grp, i`.execute(db);
  for (const row of counted) {
    const bucket = activity.get(join !== null ? row.grp : scope.groups[0]!.key)?.[Number(row.i)];
    if (bucket) bucket.total = Number(row.n);
  }
  return activity;
}
