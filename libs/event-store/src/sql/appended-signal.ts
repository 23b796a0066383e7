/**
 * Wakes readers waiting for new events. A reader notes `version` before it reads, so a wake-up
 * that arrives while it is reading is not lost.
 */
export class AppendedSignal {
  #version = 0;
  readonly #waiters = new Set<() => void>();

  get version(): number {
    return this.#version;
  }

  notify(): void {
    this.#version++;
    for (const wake of this.#waiters) wake();
  }

  /** Resolves after `ms`, on a notification newer than `seenVersion`, or when `signal` aborts. */
  wait(seenVersion: number, ms: number, signal: AbortSignal): Promise<void> {
    if (this.#version !== seenVersion || signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.#waiters.delete(wake);
        signal.removeEventListener('abort', wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.#waiters.add(wake);
      signal.addEventListener('abort', wake, { once: true });
    });
  }
}
