import type { ReportDefinition } from './report-definition.js';
import { denialsReport } from './capacity/denials.report.js';
import { forecastReport } from './capacity/forecast.report.js';
import { idleSeatsReport } from './capacity/idle-seats.report.js';
import { reclaimBacktestReport } from './capacity/reclaim-backtest.report.js';
import { whatIfReport } from './capacity/what-if.report.js';
import { assignmentsReport } from './seat/assignments.report.js';
import { seatHistoryReport } from './seat/seat-history.report.js';
import { seatUsageReport } from './seat/seat-usage.report.js';
import { autUsageReport } from './sessions/aut-usage.js';
import { sessionUsageReport } from './sessions/session-usage.js';
import { sessionsReport } from './sessions/sessions-table.js';

/** Every report of SPEC §4 and §8 served under /v1/accounts/{accountId}/reports/{name} and `ledger report NAME`. */
export const REPORTS: readonly ReportDefinition[] = [
  seatHistoryReport,
  assignmentsReport,
  seatUsageReport,
  sessionsReport,
  sessionUsageReport,
  autUsageReport,
  whatIfReport,
  idleSeatsReport,
  reclaimBacktestReport,
  denialsReport,
  forecastReport,
];
