import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

/**
 * `ledger_replay_checkpoints` (libs/audit/src/checkpoints/replay-checkpoints.ts): what the auditors'
 * replay had folded of an account at a stream revision, so an as-of answer folds only the events after
 * the latest checkpoint at or before its instant. Several rows per account (one every so many events),
 * per event log (`store_id`) and per version of the fold (`state_version`: the decider's state;
 * `replay_version`: what the audit keeps beside it): a row of another version is never read.
 * `event_id` is the id of the event at `revision`, `last_occurred_at` its business time (ms): a
 * checkpoint serves an instant T only when every event it folded is at or before T (SPEC §2).
 */
export const replayCheckpointsMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await sql`CREATE TABLE ledger_replay_checkpoints (
      store_id text NOT NULL,
      account_id text NOT NULL,
      state_version integer NOT NULL,
      replay_version integer NOT NULL,
      revision bigint NOT NULL CHECK (revision >= 0),
      event_id text NOT NULL,
      position text NOT NULL,
      last_occurred_at bigint NOT NULL,
      body text NOT NULL,
      checksum text NOT NULL,
      taken_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (store_id, account_id, state_version, replay_version, revision)
    )`.execute(db);
    await sql`ALTER TABLE ledger_replay_checkpoints ALTER COLUMN body SET STORAGE EXTERNAL`.execute(db);
  },
};
