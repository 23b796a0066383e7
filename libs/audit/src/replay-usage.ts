import { purchasedQuantity } from '../../domain/src/pools.js';
import { productView } from '../../domain/src/state.js';
import { hoursIn, localDaysIn } from '../../domain/src/time/index.js';
import type { StoredLedgerEvent } from '../../event-store/src/stored-ledger-event.js';
import { peaksWithin, type Interval } from '../../domain/src/rules/peak-sweep.js';
import { mean2 } from '../../domain/src/mean.js';
import { statesAt } from './replay-account.js';
import type { ReplayGroup, ReplaySeriesPlan } from './replay-series.js';

/**
 * The sub-buckets of each bucket that a peak is the max of and `averagePeak` the mean of (SPEC §4.5):
 * an hour is its own, a day its 23/24/25 hours, a week or month its local days inside the window;
 * those starting after now are left out and the one containing now ends at now.
 */
export function subBucketsOf(plan: ReplaySeriesPlan, now: number): Interval[][] {
  let subs = planned.get(plan);
  if (!subs) planned.set(plan, (subs = splitBuckets(plan, now)));
  return subs;
}

/** Sub-buckets already worked out, per plan (luxon is not cheap at thousands of hours). */
const planned = new WeakMap<ReplaySeriesPlan, Interval[][]>();

function splitBuckets(plan: ReplaySeriesPlan, now: number): Interval[][] {
  return plan.buckets.map((bucket) => {
    const spans =
      plan.interval === 'hour'
        ? [bucket]
        : plan.interval === 'day'
          ? hoursIn(bucket, plan.zone, now)
          : localDaysIn(bucket, plan.zone, plan.window, now);
    return spans.map((s) => ({ start: s.start, end: Math.max(s.start, Math.min(s.end, now)) }));
  });
}

/** Per bucket: the most intervals open at once, and the mean of the sub-bucket peaks (= the peak for hours). */
export function peakFigures(plan: ReplaySeriesPlan, now: number, intervals: readonly Interval[]): { peak: number; averagePeak: number }[] {
  const subs = subBucketsOf(plan, now);
  const peaks = peaksWithin(intervals, subs.flat());
  let next = 0;
  return subs.map((list) => {
    const values = peaks.slice(next, (next += list.length));
    const peak = Math.max(0, ...values);
    return { peak, averagePeak: plan.interval === 'hour' ? peak : mean2(values) };
  });
}

/**
 * `dedicated(group)` at each bucket's latest record, per group: the purchased quantity active then
 * for the account, the org's own dedication for an org.
 */
export function dedicatedPerBucket(events: readonly StoredLedgerEvent[], plan: ReplaySeriesPlan): number[][] {
  return statesAt(events, plan.recordAt, (state, i) =>
    plan.groups.map((g: ReplayGroup) =>
      g.orgId === null ? purchasedQuantity(state, plan.product, plan.recordAt[i]!) : (productView(state, plan.product).dedications.get(g.orgId) ?? 0),
    ),
  );
}
