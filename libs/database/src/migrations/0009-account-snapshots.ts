import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

/**
 * `ledger_account_snapshots` (libs/ledger/src/account-snapshots.ts): the latest state of a busy account
 * as the write side folded it, so a restarted ledger folds only the events after it. One row per
 * event log (`store_id`: EventStoreDB or the SQL store), account and state version (several versions
 * live side by side while a release rolls out). `event_id` is the id of the event at `revision`: a
 * snapshot is used only if the stream still has that event there. `state` is stored out of line and
 * uncompressed (STORAGE EXTERNAL): reading it back is on the first command's path, and decompressing
 * tens of megabytes would cost more than the disk it saves.
 */
export const accountSnapshotsMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await sql`CREATE TABLE ledger_account_snapshots (
      store_id text NOT NULL,
      account_id text NOT NULL,
      state_version integer NOT NULL,
      revision bigint NOT NULL CHECK (revision >= 0),
      event_id text NOT NULL,
      state text NOT NULL,
      checksum text NOT NULL,
      taken_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (store_id, account_id, state_version)
    )`.execute(db);
    await sql`ALTER TABLE ledger_account_snapshots ALTER COLUMN state SET STORAGE EXTERNAL`.execute(db);
  },
};
