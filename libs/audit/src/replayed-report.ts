import type { ActivityActions } from '../../domain/src/activity-rules.js';
import type { StoredLedgerEvent } from '../../event-store/src/stored-ledger-event.js';
import type { SeriesBody, TableBody } from '../../contracts/src/index.js';
import type { ReportRequest } from '../../report-contract/src/report-spec.js';

/**
 * A report of SPEC §4 computed straight from an account's raw events in memory, with no projection
 * and no SQL: what `asOf` answers (SPEC §5) and what `ledger verify` compares the projected reports
 * with. It must give the body the projected report gives for the same events, request and `now`,
 * `asOfPosition` included (the position of the last event it was given).
 */
export interface ReplayedReport {
  /** The report's name, as in libs/reports/src/catalog.ts (e.g. 'seat-history'). */
  readonly name: string;
  run(events: readonly StoredLedgerEvent[], request: ReportRequest, context: ReplayContext): SeriesBody | TableBody;
}

export interface ReplayContext {
  /** The instant the report is computed at: wall-clock now, or the `asOf` instant. */
  readonly now: number;
  readonly leaseMs: number;
  /** `ACTIVITY_ACTIONS`: which recorded actions count as activity; absent or null = every action. */
  readonly activityActions?: ActivityActions;
}
