import type { LedgerDatabase } from '../../../read-store/src/database.js';
import type {
  AppendResult,
  EventStore,
  ExpectedRevision,
  LogPosition,
  NewEvent,
  ReadAllOptions,
  StoredEvent,
  SubscribeOptions,
} from '../event-store.js';
import { appendEvents } from './append-events.js';
import { AppendedSignal } from './appended-signal.js';
import { ensureEventStoreSchema, EVENTS_APPENDED_CHANNEL } from './event-store-schema.js';
import { readHeadPosition, readLogPage, readStreamEvents } from './read-events.js';

/** Idle readers poll again after 20 ms, doubling up to 250 ms; a NOTIFY after an append wakes them sooner. */
const FIRST_POLL_MS = 20;
const IDLE_POLL_MS = 250;
const DEFAULT_BATCH_SIZE = 500;

/**
 * The event store on the product's SQL database — PostgreSQL or PGlite, the same SQL. Creates its
 * tables if missing. Closing the store leaves the database open: its owner closes it.
 */
export async function createSqlEventStore(db: LedgerDatabase): Promise<EventStore> {
  return new SqlEventStore(db, await ensureEventStoreSchema(db));
}

class SqlEventStore implements EventStore {
  readonly kind: LedgerDatabase['kind'];
  /** One statement takes any number of events. */
  readonly maxAppendBytes = null;
  readonly #db: LedgerDatabase;
  readonly #appended = new AppendedSignal();
  readonly #closing = new AbortController();
  #unlisten: Promise<(() => Promise<void>) | null> | null = null;

  constructor(db: LedgerDatabase, readonly storeId: string) {
    this.#db = db;
    this.kind = db.kind;
  }

  appendToStream(streamId: string, expected: ExpectedRevision, events: readonly NewEvent[]): Promise<AppendResult> {
    return appendEvents(this.#db, streamId, expected, events);
  }

  readStream(streamId: string, fromRevision = 0n, maxCount?: number): Promise<StoredEvent[]> {
    return readStreamEvents(this.#db, streamId, fromRevision, maxCount);
  }

  readAll({ after, limit }: ReadAllOptions): Promise<StoredEvent[]> {
    return readLogPage(this.#db, after, limit);
  }

  headPosition(): Promise<LogPosition | null> {
    return readHeadPosition(this.#db);
  }

  async *subscribeToAll({ after, signal, batchSize = DEFAULT_BATCH_SIZE }: SubscribeOptions): AsyncIterable<StoredEvent[]> {
    const stop = signal ? AbortSignal.any([signal, this.#closing.signal]) : this.#closing.signal;
    this.#listenForAppends();
    let position = after;
    let pollMs = FIRST_POLL_MS;
    while (!stop.aborted) {
      const seen = this.#appended.version;
      const batch = await readLogPage(this.#db, position, batchSize);
      if (batch.length > 0) {
        position = batch[batch.length - 1].position;
        pollMs = FIRST_POLL_MS;
        yield batch;
      } else {
        await this.#appended.wait(seen, pollMs, stop);
        pollMs = Math.min(pollMs * 2, IDLE_POLL_MS);
      }
    }
  }

  async close(): Promise<void> {
    this.#closing.abort();
    const unlisten = await this.#unlisten;
    await unlisten?.();
  }

  #listenForAppends(): void {
    // Notifications only shorten the wait: if listening fails, readers still poll.
    this.#unlisten ??= this.#db.listen(EVENTS_APPENDED_CHANNEL, () => this.#appended.notify()).catch(() => null);
  }
}
