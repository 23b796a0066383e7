import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

/**
 * The event store's tables (libs/event-store/src/sql). `transaction_id` is the appending
 * transaction's id: readers order by (transaction_id, global_position) and stop below the oldest
 * transaction still running, so an event that commits late can never fall behind a reader's
 * position. `streams` holds each stream's revision for the compare-and-set on append. A trigger
 * NOTIFYs readers after each append (they poll anyway; it only wakes them sooner); 0008 drops it.
 *
 * `ifNotExists` everywhere: a database created before migrations existed already has these tables
 * exactly so, and is adopted as it is.
 */
export const eventStoreMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('streams')
      .ifNotExists()
      .addColumn('stream_id', 'text', (c) => c.primaryKey())
      .addColumn('revision', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('events')
      .ifNotExists()
      .addColumn('global_position', 'bigserial', (c) => c.primaryKey())
      .addColumn('transaction_id', sql`xid8`, (c) => c.notNull().defaultTo(sql`pg_current_xact_id()`))
      .addColumn('stream_id', 'text', (c) => c.notNull())
      .addColumn('stream_revision', 'bigint', (c) => c.notNull())
      .addColumn('event_id', 'uuid', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('data', 'jsonb', (c) => c.notNull())
      .addColumn('metadata', 'jsonb', (c) => c.notNull())
      .addColumn('recorded_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addUniqueConstraint('events_stream_id_stream_revision_key', ['stream_id', 'stream_revision'])
      .execute();
    await db.schema.createIndex('events_log_order').ifNotExists().on('events').columns(['transaction_id', 'global_position']).execute();
    await sql`CREATE OR REPLACE FUNCTION notify_events_appended() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('ledger_events_appended', '');
        RETURN NULL;
      END $$`.execute(db);
    await sql`DO $$ BEGIN
      IF NOT EXISTS (SELECT FROM pg_trigger WHERE tgname = 'events_appended' AND tgrelid = 'events'::regclass) THEN
        CREATE TRIGGER events_appended AFTER INSERT ON events FOR EACH STATEMENT EXECUTE FUNCTION notify_events_appended();
      END IF;
    END $$`.execute(db);
  },
};
