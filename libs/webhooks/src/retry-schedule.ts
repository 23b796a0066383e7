/**
 * When a failed delivery is tried again (SPEC §9): exponential backoff from an initial wait
 * (WEBHOOK_RETRY_INITIAL_SECONDS, default 10 s), doubled after each failed attempt, never more than an
 * hour between attempts, for 24 hours after the delivery was written; any 2xx ends it.
 */
export const MAX_RETRY_DELAY_MS = 3_600_000;
export const RETRY_FOR_MS = 24 * 3_600_000;

/** The wait after failed attempt number `attempt` (1 = the first). */
export function retryDelayMs(attempt: number, initialMs: number): number {
  return Math.min(initialMs * 2 ** Math.min(attempt - 1, 40), MAX_RETRY_DELAY_MS);
}

/** The instants (ms after the delivery was written, attempts taking no time) at which it is tried, the first at 0. */
export function attemptSchedule(initialMs: number): number[] {
  const schedule = [0];
  for (let attempt = 1; ; attempt++) {
    const next = schedule[schedule.length - 1]! + retryDelayMs(attempt, initialMs);
    if (next > RETRY_FOR_MS) return schedule;
    schedule.push(next);
  }
}
