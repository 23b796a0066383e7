import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

/**
 * A generation folded by several projector processes (docs/projections.md, "Partitions"):
 * `ledger_projections.partitions` is how many partitions it is split into (NULL: one runner folds it
 * whole, as before), and `ledger_projection_partitions` holds each partition's own checkpoint. The
 * generation's row then keeps the lowest of them, which is what reports give as `asOfPosition`.
 */
export const projectionPartitionsMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await sql`ALTER TABLE ledger_projections ADD COLUMN IF NOT EXISTS partitions integer CHECK (partitions > 1)`.execute(db);
    await sql`CREATE TABLE IF NOT EXISTS ledger_projection_partitions (
      name text NOT NULL,
      generation integer NOT NULL,
      partition integer NOT NULL CHECK (partition >= 0),
      position_commit numeric(20, 0),
      position_prepare numeric(20, 0),
      events_seen bigint NOT NULL DEFAULT 0,
      events_folded bigint NOT NULL DEFAULT 0,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (name, generation, partition),
      FOREIGN KEY (name, generation) REFERENCES ledger_projections (name, generation) ON DELETE CASCADE,
      CHECK ((position_commit IS NULL) = (position_prepare IS NULL))
    )`.execute(db);
  },
};
