import { addAbortSignal } from 'node:stream';
import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  excludeSystemEvents,
  FORWARDS,
  jsonEvent,
  NO_STREAM,
  START,
  StreamNotFoundError,
  WrongExpectedVersionError,
  type AllStreamRecordedEvent,
  type AllStreamResolvedEvent,
  type ReadPosition,
  type StreamingRead,
} from '@eventstore/db-client';
import {
  assertPageSize,
  comparePositions,
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

const DEFAULT_BATCH_SIZE = 500;
/** How many events `headPosition` reads at a time, backwards, looking for the newest non-system one. */
const HEAD_SCAN_SIZE = 64;

/** The event store on EventStoreDB (22.6 or later: stream reads must report log positions). */
export function createEsdbEventStore(connectionString: string): EventStore {
  return new EsdbEventStore(EventStoreDBClient.connectionString(connectionString));
}

/** What this adapter uses of a recorded event, from a stream read or an $all read alike. */
interface EsdbRecordedEvent {
  readonly streamId: string;
  readonly id: string;
  readonly revision: bigint;
  readonly type: string;
  readonly isJson: boolean;
  readonly data: unknown;
  readonly metadata: unknown;
  readonly position?: LogPosition;
}

class EsdbEventStore implements EventStore {
  readonly kind = 'esdb';
  readonly #client: EventStoreDBClient;
  readonly #closing = new AbortController();

  constructor(client: EventStoreDBClient) {
    this.#client = client;
  }

  async appendToStream(streamId: string, expected: ExpectedRevision, events: readonly NewEvent[]): Promise<AppendResult> {
    if (events.length === 0) throw new RangeError(`nothing to append to stream ${streamId}: no events given`);
    const recordedAt = new Date().toISOString();
    let nextExpectedRevision: bigint;
    try {
      ({ nextExpectedRevision } = await this.#client.appendToStream(
        streamId,
        events.map((event) =>
          jsonEvent({ id: event.eventId, type: event.type, data: event.data, metadata: { ...event.metadata, recordedAt } }),
        ),
        { expectedRevision: expected === 'no_stream' ? NO_STREAM : expected },
      ));
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) {
        throw new WrongExpectedRevisionError(streamId, expected, error.actualVersion);
      }
      throw error;
    }
    // An append reports where its write landed in the transaction log, which is not always the $all
    // position of its last event; readers and checkpoints compare with the latter, so read it back.
    const [last] = await this.#readStream(streamId, nextExpectedRevision, 1);
    if (!last) throw new Error(`stream ${streamId}: revision ${nextExpectedRevision} vanished right after it was appended`);
    return { nextExpectedRevision, position: last.position };
  }

  readStream(streamId: string, fromRevision = 0n, maxCount?: number): Promise<StoredEvent[]> {
    if (maxCount !== undefined) assertPageSize('readStream maxCount', maxCount);
    return this.#readStream(streamId, fromRevision, maxCount);
  }

  /** $all without system events. A read from a position starts at the event there, which `after` excludes. */
  async readAll({ after, limit }: ReadAllOptions): Promise<StoredEvent[]> {
    assertPageSize('readAll limit', limit);
    const page: StoredEvent[] = [];
    for (let from = after; ; ) {
      const wanted = limit - page.length + 1;
      const read = await allOf(this.#client.readAll({ fromPosition: from ?? START, maxCount: wanted, direction: FORWARDS }));
      for (const event of read) {
        if (comparePositions(event.position, from) > 0 && !isSystemEvent(event) && page.length < limit) page.push(toStoredEvent(event));
      }
      // Short of a page because system events were left out, and the log goes on: read on.
      if (page.length >= limit || read.length < wanted) return page;
      from = read[read.length - 1].position;
    }
  }

  /**
   * A catch-up subscription without system events, consumed with `for await` so that a slow
   * consumer holds the stream back; each iteration also takes what is already buffered.
   */
  async *subscribeToAll({ after, signal, batchSize = DEFAULT_BATCH_SIZE }: SubscribeOptions): AsyncIterable<StoredEvent[]> {
    const stop = signal ? AbortSignal.any([signal, this.#closing.signal]) : this.#closing.signal;
    if (stop.aborted) return;
    const subscription = this.#client.subscribeToAll({ fromPosition: after ?? START, filter: excludeSystemEvents() });
    addAbortSignal(stop, subscription);
    try {
      for await (const first of subscription) {
        const batch: StoredEvent[] = [];
        for (let resolved: AllStreamResolvedEvent | null = first; resolved; ) {
          const { event } = resolved;
          if (event && !isSystemEvent(event) && comparePositions(event.position, after) > 0) batch.push(toStoredEvent(event));
          resolved = batch.length < batchSize ? (subscription.read() as AllStreamResolvedEvent | null) : null;
        }
        if (batch.length > 0) yield batch;
      }
    } catch (error) {
      if (!stop.aborted) throw error; // aborting destroys the stream with an AbortError: that is the normal end
    } finally {
      await subscription.unsubscribe();
    }
  }

  /** The newest event readers can receive: system events, which they never see, are passed over. */
  async headPosition(): Promise<LogPosition | null> {
    for (let from: ReadPosition = END; ; ) {
      const read = await allOf(this.#client.readAll({ fromPosition: from, maxCount: HEAD_SCAN_SIZE, direction: BACKWARDS }));
      const newest = read.find((event) => !isSystemEvent(event));
      if (newest) return newest.position;
      if (read.length < HEAD_SCAN_SIZE) return null;
      from = read[read.length - 1].position;
    }
  }

  async close(): Promise<void> {
    this.#closing.abort();
    await this.#client.dispose();
  }

  async #readStream(streamId: string, fromRevision: bigint, maxCount?: number): Promise<StoredEvent[]> {
    const events: StoredEvent[] = [];
    try {
      for await (const { event } of this.#client.readStream(streamId, { fromRevision, maxCount, direction: FORWARDS })) {
        if (event) events.push(toStoredEvent(event));
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
    return events;
  }
}

/** Every event of a bounded $all read (read to its end, so no gRPC call is left open). */
async function allOf(read: StreamingRead<AllStreamResolvedEvent>): Promise<AllStreamRecordedEvent[]> {
  const events: AllStreamRecordedEvent[] = [];
  for await (const { event } of read) if (event) events.push(event);
  return events;
}

function isSystemEvent(event: EsdbRecordedEvent): boolean {
  return event.type.startsWith('$') || event.streamId.startsWith('$');
}

function toStoredEvent(event: EsdbRecordedEvent): StoredEvent {
  const where = `event ${event.id} (stream ${event.streamId}, revision ${event.revision})`;
  if (!event.isJson) throw new Error(`${where} is not JSON; the ledger reads JSON events only`);
  if (!event.position) throw new Error(`${where} came without its log position: EventStoreDB 22.6 or later is required`);
  return {
    eventId: event.id,
    type: event.type,
    data: event.data as StoredEvent['data'],
    metadata: event.metadata as StoredEvent['metadata'],
    streamId: event.streamId,
    streamRevision: event.revision,
    position: { commit: event.position.commit, prepare: event.position.prepare },
  };
}
