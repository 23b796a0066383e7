import type { ReportDefinition } from './report-definition.js';

/** Every report of SPEC §4 served under /v1/accounts/{accountId}/reports/{name} and `ledger report NAME`. */
export const REPORTS: readonly ReportDefinition[] = [];
