import { isActiveUseEvent } from '../../domain/src/activity-rules.js';
import { localDate, localDaysIn } from '../../domain/src/time/index.js';
import { productView } from '../../domain/src/state.js';
import type { SeriesBody } from '../../contracts/src/index.js';
import { mean2 } from '../../domain/src/mean.js';
import { occurredAt, statesAt } from './replay-account.js';
import { inGroup, planReplaySeries, replaySeriesBody, type ReplayGroup } from './replay-series.js';
import type { ReplayedReport } from './replayed-report.js';

const QUARTER_HOUR = 15 * 60_000;

interface Activity {
  readonly at: number;
  readonly userId: string;
  /** The user's organization when active. */
  readonly orgId: string;
}

/**
 * `seat-usage` (SPEC §4.3) from the events: a user is active on a local day with any login, activity
 * or session start for the product that day; users count for the organization they were in then.
 * Per bucket: distinct active users, the mean and max of the daily counts over the bucket's days up
 * to now (an hour bucket is its own only day), and the seats held at the latest record.
 */
export const replayedSeatUsage: ReplayedReport = {
  name: 'seat-usage',
  run(events, request, { now, activityActions = null }): SeriesBody {
    const plan = planReplaySeries(events, request, now);
    const { product, zone, groups } = plan;
    const activity: Activity[] = [];
    const assigned = statesAt(
      events,
      plan.recordAt,
      (state) =>
        groups.map((g) => {
          let held = 0;
          for (const userId of productView(state, product).seats.keys()) if (inGroup(g, state.users.get(userId)!.orgId)) held += 1;
          return held;
        }),
      (event, state) => {
        if (isActiveUseEvent(event, activityActions) && event.data.product === product) {
          const { userId } = event.data;
          activity.push({ at: occurredAt(event), userId, orgId: state.users.get(userId)!.orgId });
        }
      },
    );

    const byDate = new Map<string, Activity[]>();
    // Every local midnight of every zone falls on a quarter hour: one luxon call per 15 minutes of activity.
    const dateOfSlot = new Map<number, string>();
    for (const a of activity) {
      const slot = Math.floor(a.at / QUARTER_HOUR);
      let date = dateOfSlot.get(slot);
      if (date === undefined) dateOfSlot.set(slot, (date = localDate(a.at, zone)));
      const list = byDate.get(date);
      if (list) list.push(a);
      else byDate.set(date, [a]);
    }
    const distinct = (list: readonly Activity[], group: ReplayGroup) => new Set(list.filter((a) => inGroup(group, a.orgId)).map((a) => a.userId));

    const daysOf = plan.buckets.map((bucket) => (plan.interval === 'hour' ? [] : localDaysIn(bucket, zone, plan.window, now)));
    return replaySeriesBody('seat-usage', request, plan, events, (group, i) => {
      const bucket = plan.buckets[i]!;
      let active: Set<string>;
      let daily: number[];
      if (plan.interval === 'hour') {
        active = distinct(
          activity.filter((a) => a.at >= bucket.start && a.at < bucket.end),
          group,
        );
        daily = [active.size];
      } else {
        const days = daysOf[i]!.map((d) => byDate.get(d.date) ?? []);
        active = distinct(days.flat(), group);
        daily = days.map((list) => distinct(list, group).size);
      }
      return {
        activeUsers: active.size,
        averageDailyActive: mean2(daily),
        peakDailyActive: Math.max(0, ...daily),
        assigned: assigned[i]![groups.indexOf(group)]!,
      };
    });
  },
};
