import type { ReplayedReport } from './replayed-report.js';
import { replayedAutUsage } from './replayed-aut-usage.js';
import { replayedSeatUsage } from './replayed-seat-usage.js';
import { replayedSessionUsage } from './replayed-session-usage.js';
import { replayedSessions } from './replayed-sessions.js';

/** Every report of SPEC §4 recomputed from raw events (as-of answers, `ledger verify`). */
export const REPLAYED_REPORTS: readonly ReplayedReport[] = [
  replayedSeatUsage, replayedSessions, replayedSessionUsage, replayedAutUsage,
];
