import type { SeriesBody } from '../../contracts/src/index.js';
import { planReplaySeries, replaySeriesBody, inGroup } from './replay-series.js';
import { sessionInterval, sessionsOf } from './replay-sessions.js';
import { dedicatedPerBucket, peakFigures } from './replay-usage.js';
import type { ReplayedReport } from './replayed-report.js';

/**
 * `session-usage` (SPEC §4.5) from the events. Sessions that draw a session license (online sessions)
 * count for the organization their user was in at the start, from their start to their end — the
 * recorded one, or when its lease lapsed (`lapsedLeaseEnd`) if that is by now. `denied` counts SessionDenied by
 * the attempt's `at` (up to now) for the attempting user's organization then.
 */
export const replayedSessionUsage: ReplayedReport = {
  name: 'session-usage',
  run(events, request, { now, leaseMs }): SeriesBody {
    const plan = planReplaySeries(events, request, now);
    const { sessions, denials } = sessionsOf(events, plan.product);
    const available = dedicatedPerBucket(events, plan);
    const figures = plan.groups.map((group) => {
      const intervals = sessions.filter((s) => s.drawsUnit && inGroup(group, s.orgId)).map((s) => sessionInterval(s, now, leaseMs));
      const peaks = peakFigures(plan, now, intervals);
      const denied = plan.buckets.map((b) => denials.filter((d) => d.at >= b.start && d.at < b.end && d.at <= now && inGroup(group, d.orgId)).length);
      return { peaks, denied };
    });
    return replaySeriesBody('session-usage', request, plan, events, (group, i) => {
      const g = plan.groups.indexOf(group);
      return {
        availableSessions: available[i]![g]!,
        peakUsage: figures[g]!.peaks[i]!.peak,
        averagePeak: figures[g]!.peaks[i]!.averagePeak,
        denied: figures[g]!.denied[i]!,
      };
    });
  },
};
