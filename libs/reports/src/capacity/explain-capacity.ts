import { Inject, Injectable, Optional } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { SeriesExplanation } from '../../../contracts/src/index.js';
import { DomainError, type FieldError } from '../../../domain/src/errors.js';
import type { Product } from '../../../domain/src/products.js';
import { INSTANT_RULE, parseInstant } from '../../../domain/src/time/instant.js';
import { accountStreamId } from '../../../domain/src/streams.js';
import { comparePositions, formatPosition, type EventStore, type StoredEvent } from '../../../event-store/src/event-store.js';
import { storedEventView } from '../../../event-store/src/event-view.js';
import { Clock } from '../../../platform/src/clock.js';
import { sessionLeaseMs, type LedgerConfig } from '../../../platform/src/config.js';
import { EVENT_STORE, LEDGER_CONFIG } from '../../../platform/src/tokens.js';
import type { ProjectionReader } from '../../../../projections/projection.js';
import type { ReportContext, ReportDefinition, ReportRequest, SeriesBody } from '../report-definition.js';
import { parseReportRequest } from '../../../report-contract/src/report-request.js';
import { PROJECTION_READER } from '../tokens.js';
import { computeDenials, denialsBody, denialsReport } from './denials.report.js';
import { DENIALS_METRICS, denialsFigure } from './explain-denials.js';
import type { Cite, Figure } from './explain-figure.js';
import { FORECAST_METRICS, forecastFigure } from './explain-forecast.js';
import { RECLAIM_METRICS, reclaimFigure } from './explain-reclaim.js';
import { whatIfFigure, whatIfMetrics } from './explain-what-if.js';
import { computeForecast, forecastBody, forecastReport } from './forecast.report.js';
import { computeReclaim, reclaimBacktestReport, reclaimBody } from './reclaim-backtest.report.js';
import { computeWhatIf, whatIfBody, whatIfReport } from './what-if.report.js';

/** A capacity report's computation run once: its body, and any bucket figure with what it is made of. */
interface Computed {
  readonly body: SeriesBody;
  readonly figure: (bucketIndex: number, metric: string) => Figure;
}

interface CapacityExplainer {
  readonly definition: ReportDefinition;
  readonly metrics: (product: Product) => readonly string[];
  readonly compute: (request: ReportRequest, context: ReportContext) => Promise<Computed>;
}

/** A report's computation, its body and its figures' explanations, all from one run. */
function explainer<C>(
  definition: ReportDefinition,
  metrics: (product: Product) => readonly string[],
  compute: (request: ReportRequest, context: ReportContext) => Promise<C>,
  body: (c: C) => SeriesBody,
  figure: (c: C, bucketIndex: number, metric: string) => Figure,
): CapacityExplainer {
  return {
    definition,
    metrics,
    compute: async (request, context) => {
      const c = await compute(request, context);
      return { body: body(c), figure: (i, metric) => figure(c, i, metric) };
    },
  };
}

/** The capacity series reports explain answers for, and the bucket metrics of each. */
const EXPLAINERS: Readonly<Record<string, CapacityExplainer>> = {
  'what-if': explainer(whatIfReport, whatIfMetrics, computeWhatIf, whatIfBody, whatIfFigure),
  'reclaim-backtest': explainer(reclaimBacktestReport, () => RECLAIM_METRICS, computeReclaim, reclaimBody, reclaimFigure),
  denials: explainer(denialsReport, () => DENIALS_METRICS, computeDenials, denialsBody, denialsFigure),
  forecast: explainer(forecastReport, () => FORECAST_METRICS, computeForecast, forecastBody, forecastFigure),
};

/** The capacity reports whose bucket figures can be explained (`reports/{name}/explain`). */
export const CAPACITY_EXPLAINED: readonly string[] = Object.keys(EXPLAINERS);

/**
 * `reports/{what-if|reclaim-backtest|denials|forecast}/explain`: the report's parameters plus `bucket`
 * (a bucket's start, any ISO form of the instant) and `metric`. The report is computed once, the body
 * and the explanation from the same computation; the events the items name are then read from the
 * account's stream by revision. Answers in the shape of the other series explanations.
 */
export async function explainCapacityFigure(
  name: string,
  parameters: Readonly<Record<string, unknown>>,
  context: ReportContext,
  store: EventStore,
): Promise<SeriesExplanation> {
  const explainer = EXPLAINERS[name];
  if (!explainer)
    throw new DomainError('NOT_FOUND', `report '${name}' has no capacity explanation`, [
      { path: 'name', message: `one of ${CAPACITY_EXPLAINED.join(', ')}` },
    ]);
  const { bucket, metric, reportParameters } = ownParameters(parameters);
  const request = parseReportRequest(reportParameters, explainer.definition);
  // Without a product the report refuses the request when it runs.
  const metrics = request.product === undefined ? [metric] : explainer.metrics(request.product);
  if (!metrics.includes(metric)) throw invalid('metric', `must be one of ${metrics.join(', ')} for ${name}, got '${metric.slice(0, 40)}'`);
  const { body, figure } = await explainer.compute(request, context);
  const index = bucketIndex(body, bucket);
  const explained = figure(index, metricFor(body, index, metric));
  const revisions = new Set<number>();
  explained.details((revision) => {
    if (revision !== null) revisions.add(revision);
    return null;
  });
  const events = await eventsAt(store, body.accountId, revisions);
  const cite: Cite = (revision) => (revision === null ? null : formatPosition(events.get(revision)!.position));
  const shown = body.buckets![index]!;
  return {
    report: body.report,
    accountId: body.accountId,
    product: body.product,
    orgId: body.orgId,
    interval: body.interval,
    timezone: body.timezone,
    bucket: { start: shown.start, end: shown.end },
    metric,
    value: explained.value,
    asOfPosition: body.asOfPosition,
    ...explained.details(cite),
    events: [...events.values()].sort((a, b) => comparePositions(a.position, b.position)).map(storedEventView),
  };
}

function invalid(path: string, message: string): DomainError {
  return new DomainError('VALIDATION_FAILED', `Invalid explain request: ${path} ${message}`, [{ path, message }]);
}

/** `bucket` and `metric` (required), the rest the report's own parameters (checked when the report parses them). */
function ownParameters(raw: Readonly<Record<string, unknown>>): { bucket: string; metric: string; reportParameters: Record<string, unknown> } {
  const { bucket, metric, ...reportParameters } = raw;
  const errors: FieldError[] = [];
  if (typeof metric !== 'string' || metric === '') errors.push({ path: 'metric', message: 'is required: the bucket figure to explain' });
  if (typeof bucket !== 'string' || parseInstant(bucket) === null)
    errors.push({ path: 'bucket', message: `is required: the start of a bucket, as the report prints it; ${INSTANT_RULE}` });
  if (errors.length > 0)
    throw new DomainError('VALIDATION_FAILED', `Invalid explain request: ${errors.map((e) => `${e.path} ${e.message}`).join('; ')}`, errors);
  return { bucket: bucket as string, metric: metric as string, reportParameters };
}

function bucketIndex(body: SeriesBody, bucket: string): number {
  const starts = (body.buckets ?? []).map((b) => b.start);
  const index = starts.findIndex((start) => Date.parse(start) === parseInstant(bucket));
  if (index >= 0) return index;
  throw invalid(
    'bucket',
    starts.length === 0
      ? 'the report has no bucket in this window'
      : `'${bucket.slice(0, 40)}' must be the start of a bucket of the report; one of ${starts.join(', ')}`,
  );
}

/** A forecast bucket has a `value` (past) or a `projected` one (next): the other is refused. */
function metricFor(body: SeriesBody, index: number, metric: string): string {
  if (body.report === 'forecast' && !(metric in body.buckets![index]!)) {
    throw invalid(
      'metric',
      `the bucket starting ${body.buckets![index]!.start} has no ${metric}: ${metric === 'value' ? 'it is projected (metric=projected)' : 'it is past (metric=value)'}`,
    );
  }
  return metric;
}

/** Events read at once when the revisions asked for are close together. */
const RUN = 256;

/** The account's events at the given stream revisions, read in runs of neighbouring revisions. */
async function eventsAt(store: EventStore, accountId: string, revisions: ReadonlySet<number>): Promise<Map<number, StoredEvent>> {
  const wanted = [...revisions].sort((a, b) => a - b);
  const events = new Map<number, StoredEvent>();
  const streamId = accountStreamId(accountId);
  for (let i = 0; i < wanted.length;) {
    const first = wanted[i]!;
    while (i < wanted.length && wanted[i]! < first + RUN) i += 1;
    const count = wanted[i - 1]! - first + 1;
    for (const event of await store.readStream(streamId, BigInt(first), count)) {
      const revision = Number(event.streamRevision);
      if (revisions.has(revision)) events.set(revision, event);
    }
  }
  const missing = wanted.filter((r) => !events.has(r));
  if (missing.length > 0)
    throw new Error(`explain: the account's stream has no event at revision ${missing.slice(0, 5).join(', ')} that the capacity projection names`);
  return events;
}

/** Runs a capacity explanation with raw parameters (`accountId` included). */
export class ExplainCapacityQuery extends Query<SeriesExplanation> {
  constructor(
    readonly name: string,
    readonly parameters: Readonly<Record<string, unknown>>,
  ) {
    super();
  }
}

@Injectable()
export class CapacityExplainService {
  constructor(
    @Optional() @Inject(PROJECTION_READER) private readonly projections?: ProjectionReader,
    @Optional() @Inject(EVENT_STORE) private readonly store?: EventStore,
    @Optional() private readonly clock?: Clock,
    @Optional() @Inject(LEDGER_CONFIG) private readonly config?: LedgerConfig,
  ) {}

  explain(name: string, parameters: Readonly<Record<string, unknown>>): Promise<SeriesExplanation> {
    if (!this.projections || !this.store)
      throw new Error('capacity explain needs the projections and the event store: one is not provided in this application');
    const context = {
      now: this.clock?.now() ?? Date.now(),
      leaseMs: sessionLeaseMs(this.config),
      projections: this.projections,
    };
    return explainCapacityFigure(name, parameters, context, this.store);
  }
}

@QueryHandler(ExplainCapacityQuery)
export class ExplainCapacityHandler implements IQueryHandler<ExplainCapacityQuery, SeriesExplanation> {
  constructor(private readonly explain: CapacityExplainService) {}

  execute({ name, parameters }: ExplainCapacityQuery): Promise<SeriesExplanation> {
    return this.explain.explain(name, parameters);
  }
}
