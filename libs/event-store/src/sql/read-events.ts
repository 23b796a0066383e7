import type { SqlExecutor } from '../../../read-store/src/database.js';
import { assertPageSize, type EventMetadata, type LogPosition, type StoredEvent } from '../event-store.js';

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

const EVENT_COLUMNS = `transaction_id::text AS commit, global_position::text AS prepare, stream_id,
  stream_revision::text AS revision, event_id::text AS event_id, type, data, metadata`;

/**
 * Only transactions below the oldest one still running are complete: every event a reader may
 * take lies there. Anything at or above it waits, however long, rather than being skipped.
 */
const COMPLETE = `transaction_id < pg_snapshot_xmin(pg_current_snapshot())`;

const READ_ALL = `SELECT ${EVENT_COLUMNS} FROM events
  WHERE ${COMPLETE} AND (transaction_id, global_position) > ($1::xid8, $2::bigint)
  ORDER BY transaction_id, global_position
  LIMIT $3`;

const READ_STREAM = `SELECT ${EVENT_COLUMNS} FROM events
  WHERE stream_id = $1 AND stream_revision >= $2
  ORDER BY stream_revision
  LIMIT $3`;

const HEAD = `SELECT transaction_id::text AS commit, global_position::text AS prepare FROM events
  WHERE ${COMPLETE}
  ORDER BY transaction_id DESC, global_position DESC
  LIMIT 1`;

export async function readLogPage(executor: SqlExecutor, after: LogPosition | null, limit: number): Promise<StoredEvent[]> {
  assertPageSize('readAll limit', limit);
  const from = after ?? { commit: 0n, prepare: 0n };
  const rows = await executor.query<EventRow>(READ_ALL, [String(from.commit), String(from.prepare), limit]);
  return rows.map(toStoredEvent);
}

/** `maxCount` undefined: the rest of the stream (LIMIT NULL is no limit). */
export async function readStreamEvents(
  executor: SqlExecutor, streamId: string, fromRevision: bigint, maxCount?: number,
): Promise<StoredEvent[]> {
  if (maxCount !== undefined) assertPageSize('readStream maxCount', maxCount);
  const rows = await executor.query<EventRow>(READ_STREAM, [streamId, String(fromRevision), maxCount ?? null]);
  return rows.map(toStoredEvent);
}

export async function readHeadPosition(executor: SqlExecutor): Promise<LogPosition | null> {
  const [head] = await executor.query<{ commit: string; prepare: string }>(HEAD);
  return head ? { commit: BigInt(head.commit), prepare: BigInt(head.prepare) } : null;
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
