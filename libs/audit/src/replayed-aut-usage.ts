import { validationError } from '../../domain/src/errors.js';
import type { SeriesBody } from '../../contracts/src/index.js';
import type { Interval } from '../../domain/src/rules/peak-sweep.js';
import { occurredAt } from './replay-account.js';
import { planReplaySeries, replaySeriesBody } from './replay-series.js';
import { dedicatedPerBucket, peakFigures } from './replay-usage.js';
import type { ReplayedReport } from './replayed-report.js';

/**
 * `aut-usage` (SPEC §4.6) from the events: applications are active on [ApplicationActivated,
 * ApplicationReleased). They are drawn from the account and belong to no organization, so with
 * `orgId` no application is in scope and `purchased` is that org's dedication.
 */
export const replayedAutUsage: ReplayedReport = {
  name: 'aut-usage',
  run(events, request, { now }): SeriesBody {
    if (request.groupBy !== undefined) throw validationError('groupBy', 'aut-usage has no groupBy: applications are drawn from the account');
    const plan = planReplaySeries(events, { ...request, product: request.product ?? 'TRUETEST' }, now);
    const intervals: Interval[] = [];
    const active = new Map<string, number>();
    for (const event of events) {
      if (event.type === 'ApplicationActivated') active.set(event.data.applicationId, occurredAt(event));
      else if (event.type === 'ApplicationReleased' && active.has(event.data.applicationId)) {
        intervals.push({ start: active.get(event.data.applicationId)!, end: occurredAt(event) });
        active.delete(event.data.applicationId);
      }
    }
    for (const start of active.values()) intervals.push({ start, end: Number.POSITIVE_INFINITY });
    const purchased = dedicatedPerBucket(events, plan);
    const peaks = peakFigures(plan, now, plan.groups[0]!.orgId === null ? intervals : []);
    return replaySeriesBody('aut-usage', request, plan, events, (_group, i) => ({
      purchased: purchased[i]![0]!,
      peakActiveApplications: peaks[i]!.peak,
      averagePeak: peaks[i]!.averagePeak,
    }));
  },
};
