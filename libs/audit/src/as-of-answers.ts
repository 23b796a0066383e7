import { Global, Inject, Injectable, Module, Optional } from '@nestjs/common';
import type { ActivityActions } from '../../domain/src/activity-rules.js';
import type { EventStore } from '../../event-store/src/event-store.js';
import type { StoredLedgerEvent } from '../../event-store/src/stored-ledger-event.js';
import type { LedgerConfig } from '../../platform/src/config.js';
import { EVENT_STORE, LEDGER_CONFIG } from '../../platform/src/tokens.js';
import type { LicensesOverview, SeriesBody, TableBody } from '../../contracts/src/index.js';
import { AS_OF_ANSWERS, type AsOfAnswers } from '../../report-contract/src/answer-ports.js';
import type { LicensesRequest } from '../../report-contract/src/licenses-request.js';
import type { ReportRequest } from '../../report-contract/src/report-spec.js';
import { replayAsOf } from './as-of.js';
import { REPLAYED_REPORTS } from './catalog.js';
import { replayLicensesOverview } from './licenses.replay.js';

/** The reports' as-of answers (SPEC §5): the replayed twin of a report over the account's events up to `asOf`. */
@Injectable()
export class ReplayedAsOfAnswers implements AsOfAnswers {
  private readonly leaseMs: number;
  private readonly activityActions: ActivityActions;

  constructor(
    @Optional() @Inject(EVENT_STORE) private readonly store?: EventStore,
    @Optional() @Inject(LEDGER_CONFIG) config?: Pick<LedgerConfig, 'sessionLeaseSeconds' | 'activityActions'>,
  ) {
    this.leaseMs = (config?.sessionLeaseSeconds ?? 900) * 1000;
    this.activityActions = config?.activityActions ?? null;
  }

  report(name: string, request: ReportRequest, now: number): Promise<SeriesBody | TableBody> | null {
    const replayed = REPLAYED_REPORTS.find((r) => r.name === name);
    if (!replayed) return null;
    return this.replay(request.accountId, request.asOf, now, (events, at) => replayed.run(events, request, this.context(at)));
  }

  licenses(request: LicensesRequest, now: number): Promise<LicensesOverview> {
    return this.replay(request.accountId, request.asOf, now, (events, at) => replayLicensesOverview(events, request, this.context(at)));
  }

  private context(now: number) {
    return { now, leaseMs: this.leaseMs, activityActions: this.activityActions };
  }

  private replay<T>(
    accountId: string,
    asOf: string | undefined,
    now: number,
    answer: (events: readonly StoredLedgerEvent[], now: number) => T,
  ): Promise<T> {
    if (asOf === undefined) throw new Error('an as-of answer needs the instant asked for (asOf)');
    if (!this.store) throw new Error('asOf needs the event store: no EVENT_STORE is provided in this application');
    return replayAsOf(this.store, accountId, asOf, now, answer);
  }
}

/** Provides the as-of answers to the reports (token AS_OF_ANSWERS) wherever the application imports it. */
@Global()
@Module({
  providers: [ReplayedAsOfAnswers, { provide: AS_OF_ANSWERS, useExisting: ReplayedAsOfAnswers }],
  exports: [AS_OF_ANSWERS],
})
export class AsOfAnswersModule {}
