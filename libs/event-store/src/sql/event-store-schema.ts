import type { LedgerDatabase } from '../../../read-store/src/database.js';

/** NOTIFY channel raised when events are committed; readers poll anyway, this only wakes them sooner. */
export const EVENTS_APPENDED_CHANNEL = 'ledger_events_appended';

/**
 * `transaction_id` is the appending transaction's id: readers order by (transaction_id,
 * global_position) and stop below the oldest transaction still running, so an event that commits
 * late can never fall behind a reader's position. `streams` holds each stream's revision for the
 * compare-and-set on append.
 */
const MIGRATION = [
  `CREATE TABLE IF NOT EXISTS streams (
    stream_id text PRIMARY KEY,
    revision bigint NOT NULL
  )`,
  `CREATE TABLE IF NOT EXISTS events (
    global_position bigserial PRIMARY KEY,
    transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
    stream_id text NOT NULL,
    stream_revision bigint NOT NULL,
    event_id uuid NOT NULL,
    type text NOT NULL,
    data jsonb NOT NULL,
    metadata jsonb NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (stream_id, stream_revision)
  )`,
  `CREATE INDEX IF NOT EXISTS events_log_order ON events (transaction_id, global_position)`,
  // The log's identity: created with the events table, so a recreated log gets a new one.
  `CREATE TABLE IF NOT EXISTS event_store (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    store_id uuid NOT NULL DEFAULT gen_random_uuid(),
    created_at timestamptz NOT NULL DEFAULT now()
  )`,
  `INSERT INTO event_store DEFAULT VALUES ON CONFLICT DO NOTHING`,
  `CREATE OR REPLACE FUNCTION notify_events_appended() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    PERFORM pg_notify('${EVENTS_APPENDED_CHANNEL}', '');
    RETURN NULL;
  END $$`,
  // Only if missing: replacing a trigger would lock the events table against appends.
  `DO $$ BEGIN
    IF NOT EXISTS (SELECT FROM pg_trigger WHERE tgname = 'events_appended' AND tgrelid = 'events'::regclass) THEN
      CREATE TRIGGER events_appended AFTER INSERT ON events FOR EACH STATEMENT EXECUTE FUNCTION notify_events_appended();
    END IF;
  END $$`,
];

/**
 * Creates the event store's tables if missing and answers the log's identity (`EventStore.storeId`).
 * Safe to run from several processes at once.
 */
export async function ensureEventStoreSchema(db: LedgerDatabase): Promise<string> {
  return db.transaction(async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext('license-ledger:event-store-schema'))`);
    for (const statement of MIGRATION) await tx.query(statement);
    const [identity] = await tx.query<{ store_id: string }>(`SELECT store_id::text AS store_id FROM event_store`);
    return identity.store_id;
  });
}
