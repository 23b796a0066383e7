import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

/**
 * `ledger_projections` (projections/engine/registry.ts): one row per generation of each projection,
 * with its checkpoint; at most one active and one building generation per projection. The
 * generations' own tables live in schemas of their own, created by the projections' migrations
 * (docs/database.md).
 */
export const projectionRegistryMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('ledger_projections')
      .ifNotExists()
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('generation', 'integer', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('rules', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull().check(sql`status IN ('active', 'building', 'retired')`))
      .addColumn('position_commit', 'numeric(20, 0)')
      .addColumn('position_prepare', 'numeric(20, 0)')
      .addColumn('events_seen', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('events_folded', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('last_error', 'text')
      .addColumn('started_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addPrimaryKeyConstraint('ledger_projections_pkey', ['name', 'generation'])
      .addCheckConstraint('ledger_projections_check', sql`(position_commit IS NULL) = (position_prepare IS NULL)`)
      .execute();
    for (const status of ['active', 'building'] as const) {
      await db.schema
        .createIndex(`ledger_projections_one_${status}`)
        .ifNotExists()
        .unique()
        .on('ledger_projections')
        .column('name')
        .where(sql.ref('status'), '=', sql.lit(status))
        .execute();
    }
  },
};
