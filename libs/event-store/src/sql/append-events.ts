import type { SqlExecutor } from '../../../read-store/src/database.js';
import {
  WrongExpectedRevisionError,
  type AppendResult,
  type ExpectedRevision,
  type NewEvent,
} from '../event-store.js';

/**
 * One statement, so one round trip and one transaction: claim the stream (compare-and-set on its
 * revision), then insert every event with a single INSERT … SELECT over unnest. When the claim
 * matches no row, nothing is inserted and no row comes back.
 *
 * Parameters: $1 stream id, $2 revision after the append, $3 revision of the first new event,
 * $4–$7 event ids, types, data and metadata as text arrays, $8 recordedAt, [$9 expected revision].
 */
const insertClaimed = (claim: string): string => `
  WITH claimed AS (${claim}),
  inserted AS (
    INSERT INTO events (stream_id, stream_revision, event_id, type, data, metadata, recorded_at)
    SELECT claimed.stream_id, $3::bigint + e.n - 1, e.event_id::uuid, e.type, e.data::jsonb, e.metadata::jsonb, $8::timestamptz
    FROM claimed CROSS JOIN unnest($4::text[], $5::text[], $6::text[], $7::text[])
      WITH ORDINALITY AS e(event_id, type, data, metadata, n)
    ORDER BY e.n
    RETURNING transaction_id, global_position
  )
  SELECT transaction_id::text AS commit, max(global_position)::text AS prepare
  FROM inserted GROUP BY transaction_id`;

const CREATE_STREAM = insertClaimed(
  `INSERT INTO streams (stream_id, revision) VALUES ($1, $2) ON CONFLICT (stream_id) DO NOTHING RETURNING stream_id`,
);

const ADVANCE_STREAM = insertClaimed(
  `UPDATE streams SET revision = $2 WHERE stream_id = $1 AND revision = $9 RETURNING stream_id`,
);

/**
 * Appends `events` to `streamId` if its revision is `expected`. Runs on any executor: the database
 * (its own transaction) or a transaction the caller holds (the events commit with it).
 */
export async function appendEvents(
  executor: SqlExecutor,
  streamId: string,
  expected: ExpectedRevision,
  events: readonly NewEvent[],
): Promise<AppendResult> {
  if (events.length === 0) throw new RangeError(`nothing to append to stream ${streamId}: no events given`);
  const firstRevision = expected === 'no_stream' ? 0n : expected + 1n;
  const lastRevision = firstRevision + BigInt(events.length - 1);
  const recordedAt = new Date().toISOString();
  const params = [
    streamId,
    String(lastRevision),
    String(firstRevision),
    events.map((event) => event.eventId),
    events.map((event) => event.type),
    events.map((event) => JSON.stringify(event.data)),
    events.map((event) => JSON.stringify({ ...event.metadata, recordedAt })),
    recordedAt,
  ];
  const [appended] =
    expected === 'no_stream'
      ? await executor.query<{ commit: string; prepare: string }>(CREATE_STREAM, params)
      : await executor.query<{ commit: string; prepare: string }>(ADVANCE_STREAM, [...params, String(expected)]);

  if (!appended) throw new WrongExpectedRevisionError(streamId, expected, await currentRevision(executor, streamId));
  return {
    nextExpectedRevision: lastRevision,
    position: { commit: BigInt(appended.commit), prepare: BigInt(appended.prepare) },
  };
}

async function currentRevision(executor: SqlExecutor, streamId: string): Promise<bigint | 'no_stream'> {
  const [stream] = await executor.query<{ revision: string }>('SELECT revision::text FROM streams WHERE stream_id = $1', [
    streamId,
  ]);
  return stream ? BigInt(stream.revision) : 'no_stream';
}
