import { sql, type Kysely } from 'kysely';
import { WrongExpectedRevisionError, type AppendResult, type ExpectedRevision, type NewEvent } from '../event-store.js';
import type { EventStoreTables } from './event-tables.js';

/**
 * Appends `events` to `streamId` if its revision is `expected`. Runs on the database (its own
 * transaction) or on a transaction the caller holds (the events commit with it).
 *
 * One statement, so one round trip and one transaction: claim the stream (compare-and-set on its
 * revision), then insert every event with a single INSERT … SELECT over unnest. When the claim
 * matches no row, nothing is inserted and no row comes back.
 */
export async function appendEvents(
  db: Kysely<EventStoreTables>,
  streamId: string,
  expected: ExpectedRevision,
  events: readonly NewEvent[],
): Promise<AppendResult> {
  if (events.length === 0) throw new RangeError(`nothing to append to stream ${streamId}: no events given`);
  const firstRevision = expected === 'no_stream' ? 0n : expected + 1n;
  const lastRevision = firstRevision + BigInt(events.length - 1);
  const recordedAt = new Date().toISOString();
  const claim =
    expected === 'no_stream'
      ? sql`INSERT INTO streams (stream_id, revision) VALUES (${streamId}, ${String(lastRevision)}::bigint) ON CONFLICT (stream_id) DO NOTHING RETURNING stream_id`
      : sql`UPDATE streams SET revision = ${String(lastRevision)}::bigint WHERE stream_id = ${streamId} AND revision = ${String(expected)}::bigint RETURNING stream_id`;
  const {
    rows: [appended],
  } = await sql<{ commit: string; prepare: string }>`
    WITH claimed AS (${claim}),
    inserted AS (
      INSERT INTO events (stream_id, stream_revision, event_id, type, data, metadata, recorded_at)
      SELECT claimed.stream_id, ${String(firstRevision)}::bigint + e.n - 1, e.event_id::uuid, e.type, e.data::jsonb, e.metadata::jsonb,
        ${recordedAt}::timestamptz
      FROM claimed CROSS JOIN unnest(
        ${events.map((event) => event.eventId)}::text[], ${events.map((event) => event.type)}::text[],
        ${events.map((event) => JSON.stringify(event.data))}::text[],
        ${events.map((event) => JSON.stringify({ ...event.metadata, recordedAt }))}::text[]
      ) WITH ORDINALITY AS e(event_id, type, data, metadata, n)
      ORDER BY e.n
      RETURNING transaction_id, global_position
    )
    SELECT transaction_id::text AS commit, max(global_position)::text AS prepare
    FROM inserted GROUP BY transaction_id`.execute(db);

  if (!appended) throw new WrongExpectedRevisionError(streamId, expected, await currentRevision(db, streamId));
  return {
    nextExpectedRevision: lastRevision,
    position: { commit: BigInt(appended.commit), prepare: BigInt(appended.prepare) },
  };
}

async function currentRevision(db: Kysely<EventStoreTables>, streamId: string): Promise<bigint | 'no_stream'> {
  const stream = await db.selectFrom('streams').select('revision').where('stream_id', '=', streamId).executeTakeFirst();
  return stream ? BigInt(stream.revision) : 'no_stream';
}
