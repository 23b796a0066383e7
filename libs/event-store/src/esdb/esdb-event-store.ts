import { addAbortSignal } from 'node:stream';
import {
  BACKWARDS,
  END,
  FORWARDS,
  jsonEvent,
  MaxAppendSizeExceededError,
  NO_STREAM,
  START,
  StreamDeletedError,
  streamNameFilter,
  WrongExpectedVersionError,
  type ReadPosition,
} from '@eventstore/db-client';
import {
  AppendTooLargeError,
  appendSize,
  assertPageSize,
  comparePositions,
  ESDB_MAX_APPEND_BYTES,
  StreamHistoryLostError,
  WrongExpectedRevisionError,
  type AppendResult,
  type EventStore,
  type ExpectedRevision,
  type LogPosition,
  type NewEvent,
  type ReadAllOptions,
  type StoredEvent,
  type SubscribeOptions,
} from '../event-store.js';
import { StreamCommandIndex } from './esdb-command-index.js';
import { connectEsdbClient, type EsdbClient } from './esdb-client.js';
import { assertSupportedServer } from './server-version.js';
import { allOf, onLeader, readStreamEvents, type EsdbRecordedEvent } from './esdb-reads.js';
import { storeIdentity } from './esdb-store-identity.js';
import { SubscriptionBatches } from './subscription-batches.js';

const DEFAULT_BATCH_SIZE = 500;
/** First page of a backwards scan for the head; doubled while only other events are found, up to READ_PAGE_MAX. */
const HEAD_SCAN_SIZE = 64;
/** Largest page `readAll` and the head scan read at once while passing over events that are not the ledger's. */
const READ_PAGE_MAX = 4_096;
/** What the server sends for "no position" (ulong.MaxValue): every position before 22.6 on stream reads. */
const NO_POSITION = 2n ** 64n - 1n;

export interface EsdbStoreOptions {
  /**
   * The ledger's namespace on the server (letters, digits, `_`): its streams are named
   * `<streamPrefix>.<stream id>`, and it reads nothing else. The dot keeps one prefix from being
   * the start of another's streams.
   */
  readonly streamPrefix: string;
}

/**
 * The event store on EventStoreDB 24.2 or later. Checks the server's version and reads (or
 * creates) the log's identity before answering, so a server it cannot use fails at start.
 */
export async function createEsdbEventStore(connectionString: string, options: EsdbStoreOptions): Promise<EventStore> {
  return openEsdbEventStore(connectEsdbClient(connectionString), options);
}

/** The same on a client already made (tests give a stub). */
export async function openEsdbEventStore(client: EsdbClient, { streamPrefix }: EsdbStoreOptions): Promise<EventStore> {
  assertStreamPrefix(streamPrefix);
  const prefix = `${streamPrefix}.`;
  try {
    const version = await onLeader(() => client.serverVersion()).catch((error: unknown) => {
      throw new Error(`EventStoreDB (EVENTSTORE_URL) cannot be reached: ${error instanceof Error ? error.message : String(error)}`);
    });
    assertSupportedServer(version);
    return new EsdbEventStore(client, prefix, await storeIdentity(client, prefix));
  } catch (error) {
    await client.close().catch(() => undefined);
    throw error;
  }
}

function assertStreamPrefix(streamPrefix: string): void {
  if (!/^[A-Za-z0-9_]{1,64}$/.test(streamPrefix)) {
    throw new Error(`the EventStoreDB stream prefix must be 1–64 letters, digits or _ (got "${streamPrefix}")`);
  }
}

class EsdbEventStore implements EventStore {
  readonly kind = 'esdb';
  readonly maxAppendBytes = ESDB_MAX_APPEND_BYTES;
  readonly #client: EsdbClient;
  readonly #prefix: string;
  readonly #closing = new AbortController();
  readonly #appending = new Set<Promise<unknown>>();
  #closed: Promise<void> | null = null;
  readonly #commands = new StreamCommandIndex((streamId, fromRevision, maxCount) => this.readStream(streamId, fromRevision, maxCount));

  constructor(
    client: EsdbClient,
    prefix: string,
    readonly storeId: string,
  ) {
    this.#client = client;
    this.#prefix = prefix;
  }

  appendToStream(streamId: string, expected: ExpectedRevision, events: readonly NewEvent[]): Promise<AppendResult> {
    if (events.length === 0) return Promise.reject(new RangeError(`nothing to append to stream ${streamId}: no events given`));
    if (this.#closing.signal.aborted) return Promise.reject(new Error(`stream ${streamId}: the event store is closed; nothing was appended`));
    const bytes = appendSize(events);
    if (bytes > this.maxAppendBytes) return Promise.reject(new AppendTooLargeError(streamId, bytes, this.maxAppendBytes));
    const append = this.#append(streamId, expected, events, bytes);
    const settled = append.then(
      () => undefined,
      () => undefined,
    );
    this.#appending.add(settled);
    void settled.then(() => this.#appending.delete(settled));
    return append;
  }

  async readStream(streamId: string, fromRevision = 0n, maxCount?: number): Promise<StoredEvent[]> {
    if (maxCount !== undefined) assertPageSize('readStream maxCount', maxCount);
    const events = await this.#readStream(streamId, fromRevision, maxCount);
    // A stream is written without gaps from revision 0: anything else means events were taken away.
    events.forEach((event, i) => {
      const wanted = fromRevision + BigInt(i);
      if (event.streamRevision !== wanted) {
        throw new StreamHistoryLostError(
          streamId,
          `revision ${wanted} is missing (the read found ${event.streamRevision}): its events were ` +
            `deleted or truncated on the server (a soft delete, $tb, $maxCount or $maxAge); the ledger will not decide on a partial history`,
        );
      }
    });
    return events;
  }

  readCommandEvents(streamId: string, commandIds: readonly string[]): Promise<Map<string, StoredEvent[]>> {
    return this.#commands.find(streamId, commandIds);
  }

  /** $all, the ledger's events only. A read from a position starts at the event there, which `after` excludes. */
  async readAll({ after, limit }: ReadAllOptions): Promise<StoredEvent[]> {
    assertPageSize('readAll limit', limit);
    const page: StoredEvent[] = [];
    for (let from = after, size = limit + 1; ; size = Math.min(size * 2, READ_PAGE_MAX)) {
      const read = await this.#readAllPage(from ?? START, size, FORWARDS);
      for (const event of read) {
        if (page.length < limit && comparePositions(event.position ?? null, from) > 0 && this.#isLedgers(event))
          page.push(this.#toStoredEvent(event));
      }
      // Short of a page because other events were passed over, and the log goes on: read on, in bigger pages.
      if (page.length >= limit || read.length < size) return page;
      from = this.#positionOf(read[read.length - 1]);
    }
  }

  /**
   * A catch-up subscription filtered on the server to the ledger's prefix, consumed with back-pressure.
   * Batches fill up to `batchSize` while it catches up; an event at or before the last one handed over
   * (a re-delivery) is dropped.
   */
  async *subscribeToAll({ after, signal, batchSize = DEFAULT_BATCH_SIZE }: SubscribeOptions): AsyncIterable<StoredEvent[]> {
    const stop = signal ? AbortSignal.any([signal, this.#closing.signal]) : this.#closing.signal;
    if (stop.aborted) return;
    const subscription = this.#client.subscribeToAll(
      { fromPosition: after ?? START, filter: streamNameFilter({ prefixes: [this.#prefix] }) },
      { highWaterMark: batchSize },
    );
    addAbortSignal(stop, subscription);
    const batches = new SubscriptionBatches(subscription, batchSize);
    let last = after;
    try {
      for (let read = await batches.next(); read; read = await batches.next()) {
        const batch: StoredEvent[] = [];
        for (const { event } of read) {
          if (!event || !this.#isLedgers(event)) continue;
          const stored = this.#toStoredEvent(event);
          if (comparePositions(stored.position, last) <= 0) continue;
          batch.push(stored);
          last = stored.position;
        }
        if (batch.length > 0) yield batch;
      }
    } catch (error) {
      if (!stop.aborted) throw error; // aborting destroys the stream with an AbortError: that is the normal end
    } finally {
      await subscription.unsubscribe();
    }
  }

  /** The newest of the ledger's events, read on the leader: other events (system, other prefixes) are passed over. */
  async headPosition(): Promise<LogPosition | null> {
    for (let from: ReadPosition = END, size = HEAD_SCAN_SIZE; ; size = Math.min(size * 2, READ_PAGE_MAX)) {
      const read = await this.#readAllPage(from, size, BACKWARDS);
      const newest = read.find((event) => this.#isLedgers(event));
      if (newest) return this.#positionOf(newest);
      if (read.length < size) return null;
      from = this.#positionOf(read[read.length - 1]);
    }
  }

  /** Ends subscriptions and refuses new appends at once; appends under way get their answer; then the channel closes. */
  close(): Promise<void> {
    this.#closing.abort();
    this.#closed ??= (async () => {
      await Promise.all([...this.#appending]);
      await this.#client.close();
    })();
    return this.#closed;
  }

  async #append(streamId: string, expected: ExpectedRevision, events: readonly NewEvent[], bytes: number): Promise<AppendResult> {
    const name = this.#prefix + streamId;
    const recordedAt = new Date().toISOString();
    const data = events.map((event) =>
      jsonEvent({ id: event.eventId, type: event.type, data: event.data, metadata: { ...event.metadata, recordedAt } }),
    );
    let result;
    try {
      result = await onLeader(() =>
        this.#client.appendToStream(name, data, {
          expectedRevision: expected === 'no_stream' ? NO_STREAM : expected,
          requiresLeader: true,
        }),
      );
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) throw new WrongExpectedRevisionError(streamId, expected, error.actualVersion);
      if (error instanceof MaxAppendSizeExceededError) throw new AppendTooLargeError(streamId, bytes, error.maxAppendSize);
      if (error instanceof StreamDeletedError) throw deleted(streamId);
      throw error;
    }
    // With throwOnAppendFailure=false in the connection string a conflict resolves instead of throwing
    // (and the batch path's revision is then meaningless): it is a conflict all the same.
    if (!result.success) throw new WrongExpectedRevisionError(streamId, expected, 'unknown');
    const last = (expected === 'no_stream' ? 0n : expected + 1n) + BigInt(events.length - 1);
    if (result.nextExpectedRevision !== last) {
      throw new StreamHistoryLostError(
        streamId,
        `the append landed at revision ${result.nextExpectedRevision} instead of ${last}: ` +
          `the stream had been soft-deleted on the server, and its earlier events are gone from reads`,
      );
    }
    const position = result.position && result.position.commit !== NO_POSITION ? result.position : await this.#positionOfRevision(streamId, last);
    return { nextExpectedRevision: last, position: { commit: position.commit, prepare: position.prepare } };
  }

  /** Only when the server answered an append without its position: read the event back, on the leader. */
  async #positionOfRevision(streamId: string, revision: bigint): Promise<LogPosition> {
    const [event] = await this.#readStream(streamId, revision, 1);
    if (!event || event.streamRevision !== revision) throw new Error(`stream ${streamId}: revision ${revision} was appended but cannot be read back`);
    return event.position;
  }

  async #readStream(streamId: string, fromRevision: bigint, maxCount?: number): Promise<StoredEvent[]> {
    try {
      const events = await onLeader(() => readStreamEvents(this.#client, this.#prefix + streamId, { fromRevision, maxCount, direction: FORWARDS }));
      return events.map((event) => this.#toStoredEvent(event));
    } catch (error) {
      if (error instanceof StreamDeletedError) throw deleted(streamId);
      throw error;
    }
  }

  #readAllPage(from: ReadPosition, maxCount: number, direction: typeof FORWARDS | typeof BACKWARDS): Promise<EsdbRecordedEvent[]> {
    return onLeader(() => allOf(this.#client.readAll({ fromPosition: from, maxCount, direction, requiresLeader: true })));
  }

  /** One of the ledger's events: under its prefix, and not a system event. */
  #isLedgers(event: EsdbRecordedEvent): boolean {
    return event.streamId.startsWith(this.#prefix) && !event.type.startsWith('$');
  }

  #positionOf(event: EsdbRecordedEvent): LogPosition {
    if (!event.position || event.position.commit === NO_POSITION || event.position.prepare === NO_POSITION) {
      throw new Error(
        `event ${event.id} (stream ${event.streamId}, revision ${event.revision}) came without its log position: ` +
          'the server is older than EventStoreDB 24.2, which the ledger needs',
      );
    }
    return { commit: event.position.commit, prepare: event.position.prepare };
  }

  #toStoredEvent(event: EsdbRecordedEvent): StoredEvent {
    const where = `event ${event.id} (stream ${event.streamId}, revision ${event.revision})`;
    if (!event.isJson) throw new Error(`${where} is not JSON; the ledger reads JSON events only`);
    return {
      eventId: event.id,
      type: event.type,
      data: event.data as StoredEvent['data'],
      metadata: event.metadata as StoredEvent['metadata'],
      streamId: event.streamId.startsWith(this.#prefix) ? event.streamId.slice(this.#prefix.length) : event.streamId,
      streamRevision: event.revision,
      position: this.#positionOf(event),
    };
  }
}

function deleted(streamId: string): StreamHistoryLostError {
  return new StreamHistoryLostError(streamId, 'was deleted (tombstoned) on the server: its history is gone and it can never be written again');
}
