const MAX_RETRY_DELAY_MS = 60_000;

/** Resolves after `ms`, or at once when `signal` aborts. */
export function abortableDelay(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/** The wait before retrying after `failures` failures in a row: doubling from `firstMs`, at most a minute. */
export function retryDelayMs(firstMs: number, failures: number): number {
  return Math.min(firstMs * 2 ** Math.max(0, failures - 1), MAX_RETRY_DELAY_MS);
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
