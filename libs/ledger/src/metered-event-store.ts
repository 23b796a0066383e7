import {
  WrongExpectedRevisionError,
  type AppendResult,
  type EventStore,
  type ExpectedRevision,
  type LogPosition,
  type NewEvent,
  type ReadAllOptions,
  type StoredEvent,
  type SubscribeOptions,
} from '../../event-store/src/event-store.js';
import type { AppendOutcome, LedgerMetrics } from './ledger-metrics.js';

/** The event store as the write side uses it: every append counted and timed by outcome; everything else passed through. */
export class MeteredEventStore implements EventStore {
  constructor(
    private readonly store: EventStore,
    private readonly metrics: LedgerMetrics,
  ) {}

  get kind(): string {
    return this.store.kind;
  }

  get storeId(): string {
    return this.store.storeId;
  }

  get maxAppendBytes(): number | null {
    return this.store.maxAppendBytes;
  }

  async appendToStream(streamId: string, expected: ExpectedRevision, events: readonly NewEvent[]): Promise<AppendResult> {
    const started = process.hrtime.bigint();
    let outcome: AppendOutcome = 'failed';
    try {
      const result = await this.store.appendToStream(streamId, expected, events);
      outcome = 'accepted';
      return result;
    } catch (error) {
      if (error instanceof WrongExpectedRevisionError) outcome = 'conflict';
      throw error;
    } finally {
      this.metrics.recordAppend(outcome, Number(process.hrtime.bigint() - started) / 1e9);
    }
  }

  readStream(streamId: string, fromRevision?: bigint, maxCount?: number): Promise<StoredEvent[]> {
    return this.store.readStream(streamId, fromRevision, maxCount);
  }

  readCommandEvents(streamId: string, commandIds: readonly string[]): Promise<Map<string, StoredEvent[]>> {
    return this.store.readCommandEvents(streamId, commandIds);
  }

  readAll(options: ReadAllOptions): Promise<StoredEvent[]> {
    return this.store.readAll(options);
  }

  subscribeToAll(options: SubscribeOptions): AsyncIterable<StoredEvent[]> {
    return this.store.subscribeToAll(options);
  }

  headPosition(): Promise<LogPosition | null> {
    return this.store.headPosition();
  }

  close(): Promise<void> {
    return this.store.close();
  }
}
