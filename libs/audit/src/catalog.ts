import { assignmentsReplay } from './assignments.replay.js';
import type { ReplayedReport } from './replayed-report.js';
import { replayedAutUsage } from './replayed-aut-usage.js';
import { replayedSeatUsage } from './replayed-seat-usage.js';
import { replayedSessionUsage } from './replayed-session-usage.js';
import { replayedSessions } from './replayed-sessions.js';
import { seatHistoryReplay } from './seat-history.replay.js';

/** Every report of SPEC §4 recomputed from raw events (as-of answers, `ledger verify`). */
export const REPLAYED_REPORTS: readonly ReplayedReport[] = [
  seatHistoryReplay,
  assignmentsReplay,
  replayedSeatUsage,
  replayedSessions,
  replayedSessionUsage,
  replayedAutUsage,
];
