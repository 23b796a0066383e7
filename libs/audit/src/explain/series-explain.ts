import type { ActivityActions } from '../../../domain/src/activity-rules.js';
import { DomainError, type FieldError } from '../../../domain/src/errors.js';
import type { Product } from '../../../domain/src/products.js';
import { buckets, reportWindow } from '../../../domain/src/time/index.js';
import type { StoredLedgerEvent } from '../../../event-store/src/stored-ledger-event.js';
import type { SeriesExplanation } from '../../../contracts/src/index.js';
import type { SeriesBody } from '../../../contracts/src/index.js';
import { EventReferences } from './event-references.js';
import {
  explainActivity,
  explainAveragePeak,
  explainCapacity,
  explainDenied,
  explainPeak,
  explainSeats,
  type MetricExplanation,
  type SeriesFrame,
} from './series-metrics.js';
import { stateWithSources, subtreeOf } from './state-with-sources.js';
import { usageTimeline, type UsageTimeline } from './usage-timeline.js';
import { INSTANT_RULE, parseInstant } from '../../../domain/src/time/instant.js';

/** The bucket-series reports that can be explained, and how each metric is made. */
const EXPLAINERS: Readonly<Record<string, Readonly<Record<string, (frame: SeriesFrame, report: string) => MetricExplanation>>>> = {
  'seat-history': {
    purchased: explainCapacity,
    assigned: (frame) => explainSeats(frame, false),
    activated: (frame) => explainSeats(frame, true),
  },
  'seat-usage': {
    activeUsers: (frame) => explainActivity(frame, 'activeUsers'),
    averageDailyActive: (frame) => explainActivity(frame, 'averageDailyActive'),
    peakDailyActive: (frame) => explainActivity(frame, 'peakDailyActive'),
    assigned: (frame) => explainSeats(frame, false),
  },
  'session-usage': {
    availableSessions: explainCapacity,
    peakUsage: explainPeak,
    averagePeak: explainAveragePeak,
    denied: explainDenied,
  },
  'aut-usage': {
    purchased: explainCapacity,
    peakActiveApplications: explainPeak,
    averagePeak: explainAveragePeak,
  },
};

export const EXPLAINED_REPORTS: readonly string[] = Object.keys(EXPLAINERS);

export interface SeriesExplainRequest {
  readonly report: string;
  readonly metric: string;
  /** The bucket's start as given (any ISO form of the instant). */
  readonly bucket: string;
  /** The report's own parameters (accountId, product, orgId, from, to, interval). */
  readonly reportParameters: Record<string, unknown>;
}

/** Parameters explain takes besides the report's. */
const OWN_PARAMETERS = ['bucket', 'metric'];
/** Report parameters explain refuses: one series, at the projected position. */
const REFUSED: Readonly<Record<string, string>> = {
  groupBy: 'is not taken: explain one series (use orgId)',
  asOf: 'is not taken: explain answers at the position of the projected report',
};

/** Splits and checks explain's own parameters; the report's are checked when the report runs. */
export function parseSeriesExplainRequest(report: string, raw: Readonly<Record<string, unknown>>): SeriesExplainRequest {
  const errors: FieldError[] = [];
  const explainers = EXPLAINERS[report];
  if (!explainers) errors.push({ path: 'name', message: `cannot be explained; one of ${EXPLAINED_REPORTS.join(', ')}` });
  const reportParameters: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (value === undefined || OWN_PARAMETERS.includes(key)) continue;
    if (REFUSED[key]) errors.push({ path: key, message: REFUSED[key]! });
    else reportParameters[key] = value;
  }
  const metric = raw.metric;
  const metrics = explainers ? Object.keys(explainers) : [];
  if (typeof metric !== 'string' || metric === '')
    errors.push({ path: 'metric', message: `is required; ${metrics.length > 0 ? `one of ${metrics.join(', ')}` : 'a metric of the report'}` });
  else if (explainers && !Object.hasOwn(explainers, metric))
    errors.push({ path: 'metric', message: `must be one of ${metrics.join(', ')} for ${report}, got '${metric.slice(0, 40)}'` });
  const bucket = raw.bucket;
  if (typeof bucket !== 'string' || bucket === '')
    errors.push({ path: 'bucket', message: 'is required: the start of a bucket, as the report prints it' });
  else if (parseInstant(bucket) === null)
    errors.push({ path: 'bucket', message: `${INSTANT_RULE} (a bucket's start), got '${bucket.slice(0, 40)}'` });
  if (errors.length > 0) {
    throw new DomainError('VALIDATION_FAILED', `Invalid explain request: ${errors.map((e) => `${e.path} ${e.message}`).join('; ')}`, errors);
  }
  return { report, metric: metric as string, bucket: bucket as string, reportParameters };
}

/** The index of the bucket starting at `bucket` in the projected body, or VALIDATION_FAILED listing the starts. */
export function bucketIndexOf(body: SeriesBody, bucket: string): number {
  const list = body.buckets ?? [];
  const wanted = Date.parse(bucket);
  const index = list.findIndex((b) => Date.parse(b.start) === wanted);
  if (index >= 0) return index;
  const starts = list.map((b) => b.start);
  const shown = starts.length > 12 ? [...starts.slice(0, 6), '…', ...starts.slice(-6)] : starts;
  throw new DomainError('VALIDATION_FAILED', `bucket: '${bucket}' is not the start of a bucket of this report`, [
    {
      path: 'bucket',
      message:
        starts.length === 0
          ? 'the report has no bucket in this window (up to now)'
          : `must be the start of a bucket of the window; one of ${shown.join(', ')}`,
    },
  ]);
}

export type { SeriesExplanation } from '../../../contracts/src/index.js';

export interface SeriesExplainInput {
  readonly request: SeriesExplainRequest;
  /** The projected report, run first: its buckets, zone and asOfPosition frame the explanation. */
  readonly projected: SeriesBody;
  /** The account's events up to the projected report's position. */
  readonly events: readonly StoredLedgerEvent[];
  readonly now: number;
  readonly leaseMs: number;
  /** `ACTIVITY_ACTIONS` (null: every action counts). */
  readonly activityActions?: ActivityActions;
}

/** Recomputes one number of a projected series from the raw events and lists what makes it. */
export function explainSeries({ request, projected, events, now, leaseMs, activityActions = null }: SeriesExplainInput): SeriesExplanation {
  const index = bucketIndexOf(projected, request.bucket);
  const shown = projected.buckets![index]!;
  const zone = projected.timezone;
  const bucket = buckets({ from: projected.from, to: projected.to, interval: projected.interval, zone, now })[index]!;
  const refs = new EventReferences();
  let timeline: UsageTimeline | undefined;
  const frame: SeriesFrame = {
    events,
    timeline: () => (timeline ??= usageTimeline(events, now, leaseMs, activityActions)),
    product: projected.product as Product,
    orgId: projected.orgId,
    orgs: projected.orgId === null ? null : subtreeOf(stateWithSources(events, Number.POSITIVE_INFINITY).state, projected.orgId),
    zone,
    interval: projected.interval,
    window: reportWindow(projected.from, projected.to, zone),
    bucket,
    now,
    refs,
  };
  const { value, details } = EXPLAINERS[request.report]![request.metric]!(frame, request.report);
  const projectedValue = shown[request.metric];
  const warning =
    projectedValue === value
      ? undefined
      : `the replayed events give ${value}, the projected report shows ${String(projectedValue)}: the projection may need a rebuild (ledger verify)`;
  return {
    report: projected.report,
    accountId: projected.accountId,
    product: projected.product,
    orgId: projected.orgId,
    interval: projected.interval,
    timezone: zone,
    bucket: { start: shown.start, end: shown.end },
    metric: request.metric,
    value,
    asOfPosition: projected.asOfPosition,
    ...(warning ? { warning } : {}),
    ...details,
    events: refs.views(),
  };
}
