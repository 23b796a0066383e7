import { randomUUID } from 'node:crypto';
import { comparePositions, type EventStore, type LogPosition, type NewEvent, type StoredEvent, type SubscribeOptions } from '../event-store.js';

/** A new event with complete metadata, as the ledger writes them. */
export function testEvent(type: string, data: Record<string, unknown> = {}): NewEvent {
  return {
    eventId: randomUUID(),
    type,
    data,
    metadata: {
      commandId: randomUUID(),
      correlationId: randomUUID(),
      causationId: null,
      actor: 'contract-test',
      occurredAt: '2026-01-06T13:00:00.000Z',
      schemaVersion: 1,
    },
  };
}

export interface SubscriptionProbe {
  /** Every batch the subscription yielded, of any stream. */
  readonly batches: StoredEvent[][];
  /** The events of the watched streams, in the order received. */
  readonly received: StoredEvent[];
  waitFor(count: number): Promise<void>;
  /** Aborts the subscription and fails unless its iteration then ends. */
  stop(): Promise<void>;
}

/** Consumes `subscribeToAll` in the background, keeping the events of `streams`. */
export function probeSubscription(store: EventStore, options: Omit<SubscribeOptions, 'signal'>, streams: readonly string[]): SubscriptionProbe {
  const controller = new AbortController();
  const batches: StoredEvent[][] = [];
  const received: StoredEvent[] = [];
  let failure: unknown = null;
  const done = (async () => {
    for await (const batch of store.subscribeToAll({ ...options, signal: controller.signal })) {
      batches.push(batch);
      received.push(...batch.filter((event) => streams.includes(event.streamId)));
    }
  })().catch((error: unknown) => {
    failure = error;
  });

  return {
    batches,
    received,
    async waitFor(count) {
      await waitUntil(
        () => {
          if (failure) throw failure;
          return received.length >= count;
        },
        `${count} events of ${streams.join(', ')} (got ${received.length})`,
      );
    },
    async stop() {
      controller.abort();
      await withTimeout(done, 5000, 'the subscription did not end after its signal was aborted');
      if (failure) throw failure;
    },
  };
}

/** Events of `streams` in the global log after `after`, read page by page to the end. */
export async function logEventsOf(store: EventStore, after: LogPosition | null, streams: readonly string[]): Promise<StoredEvent[]> {
  const events: StoredEvent[] = [];
  for (let cursor = after; ;) {
    const page = await store.readAll({ after: cursor, limit: 100 });
    if (page.length === 0) return events;
    if (comparePositions(page[0].position, cursor) <= 0) throw new Error('readAll returned an event at or before `after`');
    events.push(...page.filter((event) => streams.includes(event.streamId)));
    cursor = page[page.length - 1].position;
  }
}

export function isInLogOrder(events: readonly StoredEvent[]): boolean {
  return events.every((event, i) => i === 0 || comparePositions(events[i - 1].position, event.position) < 0);
}

export async function waitUntil(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(10);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function withTimeout(promise: Promise<unknown>, ms: number, message: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  try {
    await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The store, counting the events `readStream` returns (e.g. how much of a stream a restarted ledger folds). */
export function countingStreamReads(store: EventStore): { store: EventStore; read: () => number } {
  let read = 0;
  const proxy = new Proxy(store, {
    get(target, key) {
      if (key === 'readStream') {
        return async (...args: Parameters<EventStore['readStream']>) => {
          const events = await target.readStream(...args);
          read += events.length;
          return events;
        };
      }
      const value = Reflect.get(target, key) as unknown;
      // Bound to the store itself: its methods use private fields.
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { store: proxy, read: () => read };
}
