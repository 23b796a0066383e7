import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

/**
 * `events_stream_command`: the events of a stream by the commandId in their metadata, for the write
 * side's idempotency lookup (`EventStore.readCommandEvents`; docs/decisions.md, "Command index in the
 * database"). It used to be answered from a command index every account state held in memory, which
 * grew with every command ever sent. Partial: events appended without a commandId are not indexed.
 * An index on the events themselves is exact by construction: it commits with the append, in the
 * same statement, so no commandId is ever recorded without its events or the other way round.
 */
export const eventsByCommandMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await sql`CREATE INDEX IF NOT EXISTS events_stream_command ON events (stream_id, (metadata->>'commandId'))
      WHERE metadata->>'commandId' IS NOT NULL`.execute(db);
  },
};
