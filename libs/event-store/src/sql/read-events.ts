import { sql, type Kysely } from 'kysely';
import { assertPageSize, type EventMetadata, type LogPosition, type StoredEvent } from '../event-store.js';
import type { EventStoreTables } from './event-tables.js';

interface EventRow {
  commit: string;
  prepare: string;
  stream_id: string;
  revision: string;
  event_id: string;
  type: string;
  data: Record<string, unknown>;
  metadata: EventMetadata & { recordedAt: string };
}

const EVENT_COLUMNS = sql`transaction_id::text AS commit, global_position::text AS prepare, stream_id,
  stream_revision::text AS revision, event_id::text AS event_id, type, data, metadata`;

/**
 * Only transactions below the oldest one still running are complete: every event a reader may
 * take lies there. Anything at or above it waits, however long, rather than being skipped.
 */
const COMPLETE = sql`transaction_id < pg_snapshot_xmin(pg_current_snapshot())`;

export async function readLogPage(db: Kysely<EventStoreTables>, after: LogPosition | null, limit: number): Promise<StoredEvent[]> {
  assertPageSize('readAll limit', limit);
  const from = after ?? { commit: 0n, prepare: 0n };
  const { rows } = await sql<EventRow>`SELECT ${EVENT_COLUMNS} FROM events
    WHERE ${COMPLETE} AND (transaction_id, global_position) > (${String(from.commit)}::xid8, ${String(from.prepare)}::bigint)
    ORDER BY transaction_id, global_position
    LIMIT ${limit}`.execute(db);
  return rows.map(toStoredEvent);
}

/** `maxCount` undefined: the rest of the stream (LIMIT NULL is no limit). */
export async function readStreamEvents(
  db: Kysely<EventStoreTables>,
  streamId: string,
  fromRevision: bigint,
  maxCount?: number,
): Promise<StoredEvent[]> {
  if (maxCount !== undefined) assertPageSize('readStream maxCount', maxCount);
  const { rows } = await sql<EventRow>`SELECT ${EVENT_COLUMNS} FROM events
    WHERE stream_id = ${streamId} AND stream_revision >= ${String(fromRevision)}::bigint
    ORDER BY stream_revision
    LIMIT ${maxCount ?? null}`.execute(db);
  return rows.map(toStoredEvent);
}

/**
 * The events of `streamId` whose metadata names one of `commandIds`, grouped by commandId, in stream
 * order. Answered from the partial index `events_stream_command` (migration 0011); the `IS NOT NULL`
 * spells out its predicate so the planner always takes it.
 */
export async function readCommandEvents(
  db: Kysely<EventStoreTables>,
  streamId: string,
  commandIds: readonly string[],
): Promise<Map<string, StoredEvent[]>> {
  const found = new Map<string, StoredEvent[]>();
  if (commandIds.length === 0) return found;
  const { rows } = await sql<EventRow>`SELECT ${EVENT_COLUMNS} FROM events
    WHERE stream_id = ${streamId} AND metadata->>'commandId' IS NOT NULL AND metadata->>'commandId' = ANY(${[...new Set(commandIds)]}::text[])
    ORDER BY stream_revision`.execute(db);
  for (const event of rows.map(toStoredEvent)) {
    const commandId = event.metadata.commandId!;
    const events = found.get(commandId);
    if (events) events.push(event);
    else found.set(commandId, [event]);
  }
  return found;
}

export async function readHeadPosition(db: Kysely<EventStoreTables>): Promise<LogPosition | null> {
  const {
    rows: [head],
  } = await sql<{ commit: string; prepare: string }>`
    SELECT transaction_id::text AS commit, global_position::text AS prepare FROM events
    WHERE ${COMPLETE}
    ORDER BY transaction_id DESC, global_position DESC
    LIMIT 1`.execute(db);
  return head ? { commit: BigInt(head.commit), prepare: BigInt(head.prepare) } : null;
}

/** Events a reader can receive after `position` (exclusive): an index-only count. */
export async function countEventsAfter(db: Kysely<EventStoreTables>, position: LogPosition | null): Promise<number> {
  const from = position ?? { commit: 0n, prepare: 0n };
  const {
    rows: [counted],
  } = await sql<{ n: string }>`SELECT count(*) AS n FROM events
    WHERE ${COMPLETE} AND (transaction_id, global_position) > (${String(from.commit)}::xid8, ${String(from.prepare)}::bigint)`.execute(db);
  return Number(counted.n);
}

/** The log's identity (`EventStore.storeId`): created with the log by its migration, so a recreated log gets a new one. */
export async function readStoreId(db: Kysely<EventStoreTables>): Promise<string> {
  const {
    rows: [identity],
  } = await sql<{ store_id: string }>`SELECT store_id::text AS store_id FROM event_store`.execute(db);
  if (!identity) throw new Error('the event store has no identity row: its migration (0005-event-store-identity) did not run');
  return identity.store_id;
}

function toStoredEvent(row: EventRow): StoredEvent {
  return {
    eventId: row.event_id,
    type: row.type,
    data: row.data,
    metadata: row.metadata,
    streamId: row.stream_id,
    streamRevision: BigInt(row.revision),
    position: { commit: BigInt(row.commit), prepare: BigInt(row.prepare) },
  };
}
