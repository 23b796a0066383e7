import { Inject, Injectable, Optional } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { EventStore } from '../../../event-store/src/event-store.js';
import { Clock } from '../../../platform/src/clock.js';
import type { LedgerConfig } from '../../../platform/src/config.js';
import { EVENT_STORE, LEDGER_CONFIG } from '../../../platform/src/tokens.js';
import type { SeriesBody } from '../../../contracts/src/index.js';
import { PROJECTED_ANSWERS, type ProjectedAnswers } from '../../../report-contract/src/answer-ports.js';
import { inThreadOver } from '../replays/application-replays.js';
import { REPLAY_RUNNER, type ReplayRunner } from '../replays/replay-tasks.js';
import { parseLicensesExplainRequest, type LicensesExplanation } from './licenses-explain.js';
import { parseSeriesExplainRequest, type SeriesExplanation } from './series-explain.js';

/**
 * Explain (SPEC §5): the events behind one number. The projected report runs first; the account's raw
 * events are then read up to the position it answered at and replayed in memory (where the
 * application's ReplayRunner runs replays: off the event loop when it can), so the explanation speaks
 * of exactly the events the number was made of.
 */
@Injectable()
export class ExplainService {
  private readonly clock: Clock;
  private readonly replays: ReplayRunner;

  constructor(
    @Optional() @Inject(PROJECTED_ANSWERS) private readonly projected?: ProjectedAnswers,
    @Optional() @Inject(EVENT_STORE) store?: EventStore,
    @Optional() clock?: Clock,
    @Optional() @Inject(LEDGER_CONFIG) config?: LedgerConfig,
    @Optional() @Inject(REPLAY_RUNNER) replays?: ReplayRunner,
  ) {
    this.clock = clock ?? { now: () => Date.now() };
    this.replays = replays ?? inThreadOver(store, config);
  }

  /** `reports/{name}/explain`: parameters of the report plus `bucket` and `metric`, `accountId` included. */
  async explainReport(name: string, parameters: Readonly<Record<string, unknown>>): Promise<SeriesExplanation> {
    const request = parseSeriesExplainRequest(name, parameters);
    const now = this.clock.now();
    const projected = (await this.projectedAnswers().report(name, request.reportParameters, now)) as SeriesBody;
    return this.replays.run({ kind: 'explain-series', request, projected, now });
  }

  /** `licenses/explain`: accountId, product, scope, metric, optionally asOf (then nothing projected is asked). */
  async explainLicenses(parameters: Readonly<Record<string, unknown>>): Promise<LicensesExplanation> {
    const request = parseLicensesExplainRequest(parameters);
    const now = this.clock.now();
    const projected =
      request.asOf === undefined
        ? await this.projectedAnswers().licenses({ accountId: request.accountId, product: request.product }, now)
        : undefined;
    return this.replays.run({ kind: 'explain-licenses', request, projected, now });
  }

  private projectedAnswers(): ProjectedAnswers {
    if (!this.projected) throw new Error('explain needs the projected reports: no PROJECTED_ANSWERS is provided in this application');
    return this.projected;
  }
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
