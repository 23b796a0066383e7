import type { AllStreamResolvedEvent, AllStreamSubscription } from '@eventstore/db-client';

/**
 * How long a batch waits for more events while the server has not said the subscription caught up.
 * Only a fallback: the server says it (`caughtUp`) as it goes live, and a reader behind the log
 * finds events already buffered.
 */
const LINGER_MS = 50;

/**
 * Turns a catch-up subscription into batches of up to `batchSize` events. The client's stream
 * buffers only a few events (its highWaterMark), so taking what is buffered gives a lagging reader
 * batches of ~30 whatever it asked for; here a batch keeps filling while the subscription is
 * catching up (until `batchSize`), and is handed over as soon as the subscription is live.
 * Subscribe with a highWaterMark of `batchSize`, so the stream reads ahead while a batch is folded.
 */
export class SubscriptionBatches {
  #live = false;
  #failure: Error | null = null;
  #ended = false;
  #wake: (() => void) | null = null;

  constructor(
    private readonly subscription: AllStreamSubscription,
    private readonly batchSize: number,
  ) {
    const wake = (): void => {
      this.#wake?.();
    };
    subscription.on('readable', wake);
    subscription.on('caughtUp', () => {
      this.#live = true;
      wake();
    });
    subscription.on('fellBehind', () => {
      this.#live = false;
    });
    subscription.on('end', () => {
      this.#ended = true;
      wake();
    });
    subscription.on('error', (error: Error) => {
      this.#failure = error;
      wake();
    });
  }

  /** The next batch (never empty), or null once the subscription ended. Throws what the subscription failed with. */
  async next(): Promise<AllStreamResolvedEvent[] | null> {
    const batch: AllStreamResolvedEvent[] = [];
    for (;;) {
      this.#take(batch);
      if (this.#failure) throw this.#failure;
      if (batch.length >= this.batchSize) return batch;
      if (batch.length > 0 && (this.#live || this.#ended)) return batch;
      if (this.#ended) return null;
      const arrived = await this.#waitForMore(batch.length > 0 ? LINGER_MS : null);
      if (!arrived && batch.length > 0) return batch;
    }
  }

  #take(batch: AllStreamResolvedEvent[]): void {
    while (batch.length < this.batchSize) {
      const resolved = this.subscription.read() as AllStreamResolvedEvent | null;
      if (resolved === null) return;
      batch.push(resolved);
    }
  }

  /** Resolves true when the stream has news (events, its end, a failure, going live); false after `timeoutMs`. */
  #waitForMore(timeoutMs: number | null): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = timeoutMs === null ? null : setTimeout(() => done(false), timeoutMs);
      const done = (arrived: boolean): void => {
        if (timer) clearTimeout(timer);
        this.#wake = null;
        resolve(arrived);
      };
      this.#wake = () => done(true);
    });
  }
}
