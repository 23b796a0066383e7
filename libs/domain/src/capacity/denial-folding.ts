/**
 * SPEC §8.3 true denials: an attempt within `retryWindow` (inclusive) after the same user's previous
 * *counted* denial is a retry folded into it; every other attempt is a counted denial. Folded attempts
 * never extend the window: a user retrying every 9 minutes with a 10-minute window gets a counted
 * denial every other attempt or so, not one for the whole afternoon. TrueTest folds per application.
 */
export interface DeniedAttempt {
  /** The user (TrueTest: the application) whose retries fold together. */
  readonly key: string;
  readonly at: number;
}

/**
 * For attempts in log order (business time never goes back within an account), whether each is a
 * counted denial. Give every attempt of the keys since before the period of interest: a chain of
 * folds reaches back until an attempt more than the window after the previous counted one.
 */
export function countedDenials(attempts: readonly DeniedAttempt[], retryWindowMs: number): boolean[] {
  const lastCounted = new Map<string, number>();
  return attempts.map(({ key, at }) => {
    const previous = lastCounted.get(key);
    if (previous !== undefined && at - previous <= retryWindowMs) return false;
    lastCounted.set(key, at);
    return true;
  });
}

/**
 * Whether a denial at `deniedAt` went unmet: no accepted start of the same user (application) in
 * (deniedAt, deniedAt + retryWindow]. `starts` ascending.
 */
export function unmetAfter(deniedAt: number, starts: readonly number[], retryWindowMs: number): boolean {
  let lo = 0;
  let hi = starts.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (starts[mid]! <= deniedAt) lo = mid + 1;
    else hi = mid;
  }
  return !(lo < starts.length && starts[lo]! <= deniedAt + retryWindowMs);
}
