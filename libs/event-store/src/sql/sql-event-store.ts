import { sql, type Kysely } from 'kysely';
import type { LedgerDatabase } from '../../../database/src/ledger-database.js';
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
import { AppendAnnouncer } from './append-announcer.js';
import { appendEvents } from './append-events.js';
import { AppendedSignal } from './appended-signal.js';
import { EVENTS_APPENDED_CHANNEL, type EventStoreTables } from './event-tables.js';
import { countEventsAfter, readCommandEvents, readHeadPosition, readLogPage, readStoreId, readStreamEvents } from './read-events.js';

/** Idle readers poll again after 20 ms, doubling up to 250 ms; an append wakes them sooner (see below). */
const FIRST_POLL_MS = 20;
const IDLE_POLL_MS = 250;
/** Other processes hear of this one's appends at most this often: a burst of appends sends one NOTIFY per interval. */
const ANNOUNCE_INTERVAL_MS = 10;
const DEFAULT_BATCH_SIZE = 500;

/**
 * The event store on the product's SQL database — PostgreSQL or PGlite, the same SQL — in the tables
 * its migration created (event-tables.ts). Closing the store leaves the database open: its owner closes it.
 */
export async function createSqlEventStore(database: LedgerDatabase): Promise<EventStore> {
  return new SqlEventStore(database, await readStoreId(database.kysely<EventStoreTables>()));
}

class SqlEventStore implements EventStore {
  readonly kind: LedgerDatabase['kind'];
  /** One statement takes any number of events. */
  readonly maxAppendBytes = null;
  readonly #database: LedgerDatabase;
  readonly #db: Kysely<EventStoreTables>;
  readonly #appended = new AppendedSignal();
  readonly #announcer: AppendAnnouncer;
  readonly #closing = new AbortController();
  #unlisten: Promise<(() => Promise<void>) | null> | null = null;

  constructor(
    database: LedgerDatabase,
    readonly storeId: string,
  ) {
    this.#database = database;
    this.#db = database.kysely<EventStoreTables>();
    this.kind = database.kind;
    // The payload names the log: channels are shared by every schema of the database.
    this.#announcer = new AppendAnnouncer(
      () => sql`SELECT pg_notify(${EVENTS_APPENDED_CHANNEL}, ${storeId})`.execute(this.#db),
      ANNOUNCE_INTERVAL_MS,
    );
  }

  /**
   * Appends in a transaction of its own; once it has committed, readers in this process are woken at
   * once and those of other processes by a NOTIFY sent after the commit (AppendAnnouncer).
   */
  async appendToStream(streamId: string, expected: ExpectedRevision, events: readonly NewEvent[]): Promise<AppendResult> {
    const result = await appendEvents(this.#db, streamId, expected, events);
    this.#appended.notify();
    this.#announcer.announce();
    return result;
  }

  readStream(streamId: string, fromRevision = 0n, maxCount?: number): Promise<StoredEvent[]> {
    return readStreamEvents(this.#db, streamId, fromRevision, maxCount);
  }

  readCommandEvents(streamId: string, commandIds: readonly string[]): Promise<Map<string, StoredEvent[]>> {
    return readCommandEvents(this.#db, streamId, commandIds);
  }

  readAll({ after, limit }: ReadAllOptions): Promise<StoredEvent[]> {
    return readLogPage(this.#db, after, limit);
  }

  headPosition(): Promise<LogPosition | null> {
    return readHeadPosition(this.#db);
  }

  countAfter(position: LogPosition | null): Promise<number> {
    return countEventsAfter(this.#db, position);
  }

  async refreshStatistics(): Promise<void> {
    await sql`ANALYZE events, streams`.execute(this.#db);
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
    this.#announcer.close();
    const unlisten = await this.#unlisten;
    await unlisten?.();
  }

  #listenForAppends(): void {
    // Notifications only shorten the wait: if listening fails, readers still poll.
    this.#unlisten ??= this.#database.listen(EVENTS_APPENDED_CHANNEL, () => this.#appended.notify()).catch(() => null);
  }
}
