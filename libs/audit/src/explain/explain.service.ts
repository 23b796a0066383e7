import type { ActivityActions } from '../../../domain/src/activity-rules.js';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { DomainError } from '../../../domain/src/errors.js';
import { formatPosition, parsePosition, type EventStore } from '../../../event-store/src/event-store.js';
import { Clock } from '../../../platform/src/clock.js';
import type { LedgerConfig } from '../../../platform/src/config.js';
import { EVENT_STORE, LEDGER_CONFIG } from '../../../platform/src/tokens.js';
import type { SeriesBody } from '../../../contracts/src/index.js';
import { PROJECTED_ANSWERS, type ProjectedAnswers } from '../../../report-contract/src/answer-ports.js';
import { readAccountEvents } from '../../../event-store/src/account-events.js';
import { replayAsOf } from '../as-of.js';
import { explainLicenses, parseLicensesExplainRequest, type LicensesExplanation } from './licenses-explain.js';
import { explainSeries, parseSeriesExplainRequest, type SeriesExplanation } from './series-explain.js';

/**
 * Explain (SPEC §5): the events behind one number. The projected report runs first; the account's raw
 * events are then read up to the position it answered at and replayed in memory, so the explanation
 * speaks of exactly the events the number was made of.
 */
@Injectable()
export class ExplainService {
  private readonly clock: Clock;
  private readonly leaseMs: number;
  private readonly activityActions: ActivityActions;

  constructor(
    @Optional() @Inject(PROJECTED_ANSWERS) private readonly projected?: ProjectedAnswers,
    @Optional() @Inject(EVENT_STORE) private readonly store?: EventStore,
    @Optional() clock?: Clock,
    @Optional() @Inject(LEDGER_CONFIG) config?: LedgerConfig,
  ) {
    this.clock = clock ?? { now: () => Date.now() };
    this.leaseMs = (config?.sessionLeaseSeconds ?? 900) * 1000;
    this.activityActions = config?.activityActions ?? null;
  }

  /** `reports/{name}/explain`: parameters of the report plus `bucket` and `metric`, `accountId` included. */
  async explainReport(name: string, parameters: Readonly<Record<string, unknown>>): Promise<SeriesExplanation> {
    const request = parseSeriesExplainRequest(name, parameters);
    const now = this.clock.now();
    const projected = (await this.projectedAnswers().report(name, request.reportParameters, now)) as SeriesBody;
    const events = await readAccountEvents(this.eventStore(), projected.accountId, { upTo: positionOf(projected.asOfPosition) });
    return explainSeries({ request, projected, events, now, leaseMs: this.leaseMs, activityActions: this.activityActions });
  }

  /** `licenses/explain`: accountId, product, scope, metric, optionally asOf. */
  async explainLicenses(parameters: Readonly<Record<string, unknown>>): Promise<LicensesExplanation> {
    const request = parseLicensesExplainRequest(parameters);
    const now = this.clock.now();
    if (request.asOf !== undefined) {
      // As of an instant (not after now): the history up to it, by business time; there is no projected figure to compare with.
      return replayAsOf(this.eventStore(), request.accountId, new Date(request.asOf).toISOString(), now, (events, at) => {
        if (events.length === 0) throw new DomainError('NOT_FOUND', `account '${request.accountId}' has no history at ${new Date(at).toISOString()}`);
        return explainLicenses({ request, events, at, leaseMs: this.leaseMs, asOfPosition: formatPosition(events.at(-1)!.position) });
      });
    }
    const projected = await this.projectedAnswers().licenses({ accountId: request.accountId, product: request.product }, now);
    const events = await readAccountEvents(this.eventStore(), request.accountId, { upTo: positionOf(projected.asOfPosition) });
    return explainLicenses({ request, events, at: now, leaseMs: this.leaseMs, asOfPosition: projected.asOfPosition, projected });
  }

  private projectedAnswers(): ProjectedAnswers {
    if (!this.projected) throw new Error('explain needs the projected reports: no PROJECTED_ANSWERS is provided in this application');
    return this.projected;
  }

  private eventStore(): EventStore {
    if (!this.store) throw new Error('explain needs the event store: no EVENT_STORE is provided in this application');
    return this.store;
  }
}

function positionOf(text: string | null) {
  return text === null ? null : parsePosition(text);
}

export class ExplainReportQuery extends Query<SeriesExplanation> {
  constructor(
    readonly name: string,
    readonly parameters: Readonly<Record<string, unknown>>,
  ) {
    super();
  }
}

export class ExplainLicensesQuery extends Query<LicensesExplanation> {
  constructor(readonly parameters: Readonly<Record<string, unknown>>) {
    super();
  }
}

@QueryHandler(ExplainReportQuery)
export class ExplainReportHandler implements IQueryHandler<ExplainReportQuery, SeriesExplanation> {
  constructor(private readonly explain: ExplainService) {}

  execute({ name, parameters }: ExplainReportQuery): Promise<SeriesExplanation> {
    return this.explain.explainReport(name, parameters);
  }
}

@QueryHandler(ExplainLicensesQuery)
export class ExplainLicensesHandler implements IQueryHandler<ExplainLicensesQuery, LicensesExplanation> {
  constructor(private readonly explain: ExplainService) {}

  execute({ parameters }: ExplainLicensesQuery): Promise<LicensesExplanation> {
    return this.explain.explainLicenses(parameters);
  }
}
