import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

/**
 * Each generation's checkpoint names the log it belongs to (`store_id`, the event store's identity),
 * and a generation stopped for a reason an operator must act on says why (`halted`).
 */
export const checkpointStoreMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .alterTable('ledger_projections')
      .addColumn('store_id', 'text', (c) => c.ifNotExists())
      .execute();
    await db.schema
      .alterTable('ledger_projections')
      .addColumn('halted', 'text', (c) => c.ifNotExists())
      .execute();
  },
};
