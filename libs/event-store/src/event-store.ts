/**
 * The event store port. Three adapters implement it (PostgreSQL, PGlite, EventStoreDB) and
 * one contract suite (`event-store.contract.ts`) proves each of them.
 *
 * A store holds ONE ledger's events: on the SQL database, the events table of the ledger's
 * schema; on EventStoreDB, the streams under the ledger's stream prefix. Stream ids given to and
 * read from the port never carry that prefix, and nothing outside the ledger's namespace (another
 * ledger, another application, the server's system events) is ever read.
 */

/**
 * A place in the global log. `commit` and `prepare` order the log lexicographically:
 * PostgreSQL and PGlite use (transaction id, sequence); EventStoreDB its own commit and
 * prepare positions. Readers treat it as opaque and compare with `comparePositions`.
 */
export interface LogPosition {
  readonly commit: bigint;
  readonly prepare: bigint;
}

/** Metadata carried by every event (SPEC §3). */
export interface EventMetadata {
  readonly commandId: string | null;
  readonly correlationId: string;
  readonly causationId: string | null;
  readonly actor: string;
  readonly occurredAt: string;
  readonly schemaVersion: number;
  /** Set by the store on append. */
  readonly recordedAt?: string;
}

export interface NewEvent {
  readonly eventId: string;
  readonly type: string;
  readonly data: Record<string, unknown>;
  readonly metadata: EventMetadata;
}

export interface StoredEvent extends NewEvent {
  readonly streamId: string;
  /** 0-based index of the event within its stream. */
  readonly streamRevision: bigint;
  readonly position: LogPosition;
  readonly metadata: EventMetadata & { readonly recordedAt: string };
}

/** `'no_stream'`: the stream must not exist yet; a bigint: the revision of its last event. */
export type ExpectedRevision = 'no_stream' | bigint;

export interface AppendResult {
  /** Revision of the last event appended. */
  readonly nextExpectedRevision: bigint;
  readonly position: LogPosition;
}

/**
 * Largest append EventStoreDB accepts by default (its `MaxAppendSize`, 1 MiB). The EventStoreDB
 * adapter refuses larger appends itself, whatever the server is configured with.
 */
export const ESDB_MAX_APPEND_BYTES = 1_048_576;

/**
 * The size an append counts against `EventStore.maxAppendBytes`: the UTF-8 bytes of each event's
 * type, JSON data and JSON metadata, plus a fixed allowance per event for what travels with it (the
 * `recordedAt` the store adds, its id and content type), over every event. Never less than what
 * EventStoreDB counts against its `MaxAppendSize`.
 */
export function appendSize(events: readonly NewEvent[]): number {
  let bytes = 0;
  for (const event of events) bytes += eventSize(event);
  return bytes;
}

/** One event's share of `appendSize`. */
export function eventSize(event: NewEvent): number {
  return (
    Buffer.byteLength(event.type) +
    Buffer.byteLength(JSON.stringify(event.data)) +
    Buffer.byteLength(JSON.stringify(event.metadata)) +
    PER_EVENT_BYTES
  );
}

/** `,"recordedAt":"2026-01-06T13:00:00.000Z"` (40 bytes), the event id and content type, and their framing. */
const PER_EVENT_BYTES = 128;

/** The stream moved on since it was read: reload and decide again. */
export class WrongExpectedRevisionError extends Error {
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    readonly actual: bigint | 'no_stream' | 'unknown',
  ) {
    super(`stream ${streamId}: expected revision ${String(expected)}, found ${String(actual)}`);
    this.name = 'WrongExpectedRevisionError';
  }
}

/** An append larger than the store takes (`maxAppendBytes`): refused whole, nothing was stored. */
export class AppendTooLargeError extends Error {
  constructor(
    readonly streamId: string,
    readonly bytes: number,
    readonly maxBytes: number,
  ) {
    super(`stream ${streamId}: an append of ${bytes} bytes is larger than the ${maxBytes} bytes the event store takes at once; nothing was appended`);
    this.name = 'AppendTooLargeError';
  }
}

/**
 * A stream whose history does not start where it must: events were deleted or truncated under the
 * ledger (a soft delete, `$tb`, `$maxCount` or `$maxAge` on EventStoreDB). Deciding on what is left
 * would break the SPEC's invariants, so the store refuses to answer with a partial history.
 */
export class StreamHistoryLostError extends Error {
  constructor(
    readonly streamId: string,
    message: string,
  ) {
    super(`stream ${streamId}: ${message}`);
    this.name = 'StreamHistoryLostError';
  }
}

export interface ReadAllOptions {
  /** Exclusive: events strictly after this position. `null`: from the start. */
  readonly after: LogPosition | null;
  readonly limit: number;
}

export interface SubscribeOptions {
  readonly after: LogPosition | null;
  /** Stops the subscription; the iterator then ends. */
  readonly signal?: AbortSignal;
  /** Largest batch a single iteration yields; a reader behind the log gets batches this full. */
  readonly batchSize?: number;
}

export interface EventStore {
  /** Which adapter this is: 'postgres' | 'pglite' | 'esdb'. */
  readonly kind: string;

  /**
   * Which log this is, created with the log and kept with it (a random id): a checkpoint taken
   * from one log means nothing in another, so readers record it beside their checkpoints.
   */
  readonly storeId: string;

  /**
   * Largest append, by `appendSize`, that the store takes in one atomic step; null: no limit of its
   * own. A larger append throws `AppendTooLargeError` and stores nothing, so writers that gather
   * many commands into one append split them (between commands) under this budget. EventStoreDB:
   * `ESDB_MAX_APPEND_BYTES`.
   */
  readonly maxAppendBytes: number | null;

  /**
   * Appends `events` to `streamId` if its current revision equals `expected`, in one atomic
   * step; otherwise throws `WrongExpectedRevisionError` and appends nothing. `events` must not be
   * empty (RangeError). The result's position is that of the last event appended.
   */
  appendToStream(streamId: string, expected: ExpectedRevision, events: readonly NewEvent[]): Promise<AppendResult>;

  /**
   * Events of one stream with revision ≥ `fromRevision` (default 0), in order; at most `maxCount`
   * of them when given (a whole number ≥ 1, else RangeError), so a long stream can be read in pages.
   * Read from the node that takes writes, so a decision never rests on a stale copy. A stream whose
   * events before the ones asked for were deleted throws `StreamHistoryLostError`.
   */
  readStream(streamId: string, fromRevision?: bigint, maxCount?: number): Promise<StoredEvent[]>;

  /**
   * The events each of `commandIds` produced in `streamId` (by `metadata.commandId`), in stream order;
   * a commandId with none is absent from the map. One round trip however many ids, so a writer asks
   * once for a whole batch. What it answers is as current as `readStream`: an append committed before
   * the call is seen. This is the ledger's idempotency lookup (SPEC §3; docs/decisions.md, "Command
   * index in the database"): the SQL store answers from an index on the events, EventStoreDB from an
   * index the adapter keeps per stream.
   */
  readCommandEvents(streamId: string, commandIds: readonly string[]): Promise<Map<string, StoredEvent[]>>;

  /** One page of the global log (the ledger's events only), in log order, strictly after `after`. */
  readAll(options: ReadAllOptions): Promise<StoredEvent[]>;

  /**
   * The global log from an exclusive position, as batches in log order, waiting for new events
   * once caught up. An event is never skipped: a reader only sees positions every earlier
   * writer has committed to. Consumed with `for await`, so a slow consumer slows the reader.
   */
  subscribeToAll(options: SubscribeOptions): AsyncIterable<StoredEvent[]>;

  /**
   * The position of the newest event a reader can receive now, or null when there is none. On
   * PostgreSQL an event committed behind a still-running earlier transaction counts only once that
   * transaction ends, so the head may briefly trail the position an append just returned.
   */
  headPosition(): Promise<LogPosition | null>;

  /**
   * How many events a reader can receive after `position` (exclusive), for adapters that count them
   * cheaply (the SQL store: an index-only count). Without it, lag is counted by reading.
   */
  countAfter?(position: LogPosition | null): Promise<number>;

  /**
   * After a bulk write (an import), brings the database's planner statistics of the log up to date,
   * for adapters whose reads are planned from them (the SQL store: ANALYZE). A freshly loaded table
   * has none until autovacuum runs, and a server may run without it: reading a big stream page by page
   * would then be planned as a scan and sort of the rest of it for every page.
   */
  refreshStatistics?(): Promise<void>;

  /**
   * Ends the adapter's subscriptions, lets appends under way finish with a known outcome, refuses new
   * ones, and releases its own connections; a LedgerDatabase it was given stays open.
   */
  close(): Promise<void>;
}

/** Rejects a page size that is not a whole number ≥ 1 (`what`: the operation, for the message). */
export function assertPageSize(what: string, size: number): void {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`${what} must be a whole number ≥ 1, got ${size}`);
}

export function comparePositions(a: LogPosition | null, b: LogPosition | null): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1;
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}

/** Text form used in reports (`asOfPosition`), checkpoints and the events API: `commit/prepare`. */
export function formatPosition(position: LogPosition | null): string | null {
  return position === null ? null : `${position.commit}/${position.prepare}`;
}

export function parsePosition(text: string): LogPosition {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!match) throw new Error(`not a log position: "${text}" (expected COMMIT/PREPARE, e.g. 734/12)`);
  return { commit: BigInt(match[1]), prepare: BigInt(match[2]) };
}
