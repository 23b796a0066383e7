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

export const AS_OF_ANSWERS = 'license-ledger:as-of-answers';
export const PROJECTED_ANSWERS = 'license-ledger:projected-answers';
