import { Injectable } from '@nestjs/common';
import type { SeriesBody, TableBody } from '../../../contracts/src/index.js';
import type { ReplayingReports } from '../../../report-contract/src/answer-ports.js';
import type { ReportRequest } from '../../../report-contract/src/report-spec.js';
import { ApplicationReplays } from './application-replays.js';

/**
 * The reports that replay history under a hypothesis (what-if, reclaim-backtest; token
 * REPLAYING_REPORTS) go to the application's replay threads with the other replays — the same pool,
 * admitted by the same REPLAY_CONCURRENCY — and the thread computes them with the reports' code.
 * Where replays run in the calling thread, null: ReportsService runs the report itself.
 */
@Injectable()
export class ThreadedReplayingReports implements ReplayingReports {
  constructor(private readonly replays: ApplicationReplays) {}

  report(name: string, request: ReportRequest, now: number): Promise<SeriesBody | TableBody> | null {
    return this.replays.threaded ? this.replays.run({ kind: 'replaying-report', name, request, now }) : null;
  }
}
