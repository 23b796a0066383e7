import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

/**
 * Drops the statement-level NOTIFY trigger of 0001. A NOTIFY inside the appending transaction takes
 * the notification queue's lock at commit, so under concurrent writers every commit waited on every
 * other one. The store now announces appends itself, after they commit and at most once per short
 * interval (libs/event-store/src/sql/append-announcer.ts); readers poll anyway, and gap-free reading
 * never depended on the notification (it rests on `transaction_id`, migration 0001).
 */
export const notifyAfterCommitMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await sql`DROP TRIGGER IF EXISTS events_appended ON events`.execute(db);
    await sql`DROP FUNCTION IF EXISTS notify_events_appended()`.execute(db);
  },
};
