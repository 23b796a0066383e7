import { Global, Inject, Injectable, Module, Optional } from '@nestjs/common';
import type { EventStore } from '../../event-store/src/event-store.js';
import type { LedgerConfig } from '../../platform/src/config.js';
import { EVENT_STORE, LEDGER_CONFIG } from '../../platform/src/tokens.js';
import type { LicensesOverview, SeriesBody, TableBody } from '../../contracts/src/index.js';
import { AS_OF_ANSWERS, REPLAYING_REPORTS, type AsOfAnswers } from '../../report-contract/src/answer-ports.js';
import type { LicensesRequest } from '../../report-contract/src/licenses-request.js';
import type { ReportRequest } from '../../report-contract/src/report-spec.js';
import { REPLAYED_REPORTS } from './catalog.js';
import { ApplicationReplays, inThreadOver } from './replays/application-replays.js';
import { REPLAY_RUNNER, type ReplayRunner } from './replays/replay-tasks.js';
import { ThreadedReplayingReports } from './replays/replaying-reports.js';

/**
 * The reports' as-of answers (SPEC §5): the replayed twin of a report over the account's events up to
 * `asOf`, replayed where the application's ReplayRunner runs replays (off the event loop when it can).
 */
@Injectable()
export class ReplayedAsOfAnswers implements AsOfAnswers {
  private readonly replays: ReplayRunner;

  /** Replays with `replays`, or else in this thread over `store`. */
  constructor(
    @Optional() @Inject(EVENT_STORE) store?: EventStore,
    @Optional() @Inject(LEDGER_CONFIG) config?: Pick<LedgerConfig, 'sessionLeaseSeconds' | 'activityActions'>,
    @Optional() @Inject(REPLAY_RUNNER) replays?: ReplayRunner,
  ) {
    this.replays = replays ?? inThreadOver(store, config);
  }

  report(name: string, request: ReportRequest, now: number): Promise<SeriesBody | TableBody> | null {
    if (!REPLAYED_REPORTS.some((r) => r.name === name)) return null;
    return this.replays.run({ kind: 'as-of-report', name, request, now });
  }

  licenses(request: LicensesRequest, now: number): Promise<LicensesOverview> {
    return this.replays.run({ kind: 'as-of-licenses', request, now });
  }
}

/**
 * Provides the as-of answers to the reports (token AS_OF_ANSWERS), the application's replays
 * (REPLAY_RUNNER, which explain uses too) and where the reports that replay history run
 * (REPLAYING_REPORTS) wherever the application imports it.
 */
@Global()
@Module({
  providers: [
    ApplicationReplays,
    { provide: REPLAY_RUNNER, useExisting: ApplicationReplays },
    ReplayedAsOfAnswers,
    { provide: AS_OF_ANSWERS, useExisting: ReplayedAsOfAnswers },
    ThreadedReplayingReports,
    { provide: REPLAYING_REPORTS, useExisting: ThreadedReplayingReports },
  ],
  exports: [AS_OF_ANSWERS, REPLAY_RUNNER, REPLAYING_REPORTS],
})
export class AsOfAnswersModule {}
