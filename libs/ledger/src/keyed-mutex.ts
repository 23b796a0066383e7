/**
 * Runs tasks one at a time per key, in arrival order. Commands for one account are serialised
 * inside a process so they don't race each other into optimistic-concurrency retries; across
 * processes the expected revision still decides.
 */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<unknown>>();

  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const current = previous.then(task, task);
    const tail = current.catch(() => undefined);
    this.tails.set(key, tail);
    try {
      return await current;
    } finally {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }

  /** Holds several keys at once (taken in sorted order, so two callers can't deadlock). */
  async runAll<T>(keys: readonly string[], task: () => Promise<T>): Promise<T> {
    const sorted = [...new Set(keys)].sort();
    const acquire = (i: number): Promise<T> => (i === sorted.length ? task() : this.run(sorted[i], () => acquire(i + 1)));
    return acquire(0);
  }
}
