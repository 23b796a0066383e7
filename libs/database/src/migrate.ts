import type { Kysely } from 'kysely';
import { Migrator, type Migration } from 'kysely/migration';
import type { LedgerDatabase } from './ledger-database.js';
import { LEDGER_MIGRATIONS } from './migrations/index.js';

/** Where the ledger's own migrations are recorded, in its schema. */
export const LEDGER_MIGRATION_TABLE = 'ledger_migrations';

export interface MigrationSet {
  /** Migrations by name, in the order they run (names sort in that order too). */
  readonly migrations: Readonly<Record<string, Migration>>;
  /** The schema the migration table lives in (and that `db` creates its tables in). */
  readonly schema: string;
  readonly table: string;
  /** Names the tables in error messages, e.g. "the ledger's tables". */
  readonly what: string;
}

/**
 * Runs the migrations of `set` not yet recorded in its migration table, in order, with Kysely's
 * Migrator: in one transaction, under its lock, so several processes may start at once. A database
 * that recorded a migration this code does not know was migrated by a newer release: refused.
 */
export async function runMigrations(db: Kysely<unknown>, set: MigrationSet): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => ({ ...set.migrations }) },
    migrationTableSchema: set.schema,
    migrationTableName: set.table,
    migrationLockTableName: `${set.table}_lock`,
  });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results.find((r) => r.status === 'Error')?.migrationName;
    const message = error instanceof Error ? error.message : String(error);
    if (/previously executed migration .* is missing/.test(message)) {
      throw new Error(
        `${set.what} in schema ${set.schema} were migrated by a newer release of License Ledger (${message}): upgrade this installation`,
        { cause: error },
      );
    }
    throw new Error(`cannot migrate ${set.what} in schema ${set.schema}${failed ? `: migration ${failed} failed` : ''}: ${message}`, {
      cause: error,
    });
  }
  return results.filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** Brings the ledger's own tables (events, streams, projection registry, keys, rejected commands) up to date. */
export function migrateToLatest(database: LedgerDatabase): Promise<string[]> {
  return runMigrations(database.kysely<unknown>(), {
    migrations: LEDGER_MIGRATIONS,
    schema: database.schema,
    table: LEDGER_MIGRATION_TABLE,
    what: "the ledger's tables",
  });
}
