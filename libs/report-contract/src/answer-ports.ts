import type { LicensesOverview, SeriesBody, TableBody } from '../../contracts/src/index.js';
import type { LicensesRequest } from './licenses-request.js';
import type { ReportRequest } from './report-spec.js';

/**
 * How the two computations of a report reach each other without importing each other: the reports
 * ask the audit side for as-of answers (replayed), explain asks the reports for the projected figure.
 * The application binds both (Nest tokens below); a module that lacks one refuses that question.
 */

/** Answers as the ledger stood at `request.asOf` (SPEC §5), by replaying the account's events. */
export interface AsOfAnswers {
  /** The replayed twin of report `name`, or null when the report has none. */
  report(name: string, request: ReportRequest, now: number): Promise<SeriesBody | TableBody> | null;
  licenses(request: LicensesRequest, now: number): Promise<LicensesOverview>;
}

/** The projected figures at `now`, as the reports answer them. */
export interface ProjectedAnswers {
  report(name: string, parameters: Readonly<Record<string, unknown>>, now: number): Promise<SeriesBody | TableBody>;
  licenses(request: LicensesRequest, now: number): Promise<LicensesOverview>;
}

/**
 * Where the reports that replay history under a hypothesis run (SPEC §8: what-if, reclaim-backtest —
 * `replaysHistory`): on the application's replay threads, off the event loop that answers the other
 * requests; null where replays run in the calling thread, and the report then runs there as any other.
 */
export interface ReplayingReports {
  report(name: string, request: ReportRequest, now: number): Promise<SeriesBody | TableBody> | null;
}

/** Computes a report that replays history, where it runs (a replay thread): the reports' side of ReplayingReports. */
export type ComputeReplayingReport = (name: string, request: ReportRequest, now: number) => Promise<SeriesBody | TableBody>;

export const AS_OF_ANSWERS = 'license-ledger:as-of-answers';
export const PROJECTED_ANSWERS = 'license-ledger:projected-answers';
export const REPLAYING_REPORTS = 'license-ledger:replaying-reports';
