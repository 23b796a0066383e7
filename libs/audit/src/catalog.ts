import type { ReplayedReport } from './replayed-report.js';

/** Every report of SPEC §4 recomputed from raw events (as-of answers, `ledger verify`). */
export const REPLAYED_REPORTS: readonly ReplayedReport[] = [
];
