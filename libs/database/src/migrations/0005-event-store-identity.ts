import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

/**
 * `event_store`: the log's identity, one row (libs/event-store/src/sql/read-events.ts `readStoreId`).
 * Created with the log, so a log recreated from empty gets a new identity and checkpoints kept beside
 * an old one are recognised as stale. A database where it already exists keeps its identity.
 */
export const eventStoreIdentityMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('event_store')
      .ifNotExists()
      .addColumn('only_row', 'boolean', (c) =>
        c
          .primaryKey()
          .defaultTo(true)
          .check(sql`only_row`),
      )
      .addColumn('store_id', 'uuid', (c) => c.notNull().defaultTo(sql`gen_random_uuid()`))
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .execute();
    await sql`INSERT INTO event_store DEFAULT VALUES ON CONFLICT DO NOTHING`.execute(db);
  },
};
