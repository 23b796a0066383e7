import { sql, type QueryExecutorProvider, type RawBuilder } from 'kysely';

/**
 * Step functions evaluated at many instants in one statement.
 *
 * A metric that changes by `d` at instant `ts` (a seat taken: +1 at its start, −1 at its end) has, at
 * instant T, the value Σ d over the points with ts < T: the state after every change before T —
 * "the latest record at the bucket end" of SPEC §2 for T = bucket end. (For the bucket containing
 * now, T = now + 1 ms: every change at or before now.)
 *
 * With the instants sorted, T₁ < … < Tₙ, `width_bucket(ts, [T₁…Tₙ])` is the number j of instants at
 * or before ts, and a point counts for T_k exactly when j < k. So the database sums the points per
 * (group, metric, j) — one hash aggregate, no sort, however many buckets — and the values are the
 * prefix sums over j.
 */

/** One change of a metric of a group: the columns a points query must select (`ts` in epoch ms). */
export interface StepPoint {
  grp: string;
  metric: string;
  ts: number | string;
  d: number | string;
}

/** A SELECT of step points (its columns: those of StepPoint). */
export type PointsQuery = RawBuilder<StepPoint>;

/** values.get(group)!.get(metric)![i] = the metric at times[i]. */
export type StepValues = Map<string, Map<string, number[]>>;

export async function evaluateSteps(
  db: QueryExecutorProvider,
  points: PointsQuery | null,
  groups: readonly string[],
  metrics: readonly string[],
  times: readonly number[],
): Promise<StepValues> {
  const values: StepValues = new Map(groups.map((g) => [g, new Map(metrics.map((m) => [m, times.map(() => 0)]))]));
  if (points === null || times.length === 0 || groups.length === 0) return values;
  for (let i = 1; i < times.length; i += 1) {
    if (!(times[i - 1]! < times[i]!)) throw new Error('evaluateSteps: instants must increase');
  }
  const instants = times.map(String);
  const { rows } = await sql<{ grp: string; metric: string; j: number; v: number | string }>`
    SELECT p.grp, p.metric, width_bucket(p.ts, ${instants}::bigint[]) AS j, sum(p.d)::float8 AS v
    FROM (${points}) AS p
    WHERE p.ts < ${instants[instants.length - 1]!}::bigint
    GROUP BY 1, 2, 3`.execute(db);
  // sums.get(group)!.get(metric)![j]: the changes between T_j and T_{j+1} (j = 0: before T₁).
  const sums = new Map<string, Map<string, number[]>>();
  for (const row of rows) {
    let byMetric = sums.get(row.grp);
    if (!byMetric) sums.set(row.grp, (byMetric = new Map()));
    let list = byMetric.get(row.metric);
    if (!list) byMetric.set(row.metric, (list = times.map(() => 0)));
    list[Number(row.j)] = (list[Number(row.j)] ?? 0) + Number(row.v);
  }
  for (const [grp, byMetric] of sums) {
    for (const [metric, list] of byMetric) {
      const series = values.get(grp)?.get(metric);
      if (!series) continue;
      let running = 0;
      for (let k = 0; k < times.length; k += 1) {
        running += list[k]!;
        series[k] = running;
      }
    }
  }
  return values;
}

/** A text parameter as a selectable expression (group keys are ids: never spliced into SQL). */
export function textValue(value: string): RawBuilder<string> {
  return sql<string>`${value}::text`;
}
