import { resolve } from 'node:path';
import { IN_MEMORY, openPgliteDatabase } from './pglite-database.js';
import type { LedgerDatabase } from './ledger-database.js';
import { migrateToLatest } from './migrate.js';
import { openPostgresDatabase } from './postgres-database.js';

export interface DatabaseOptions {
  /** `postgres://…`; unset → embedded PGlite in `dataDir`. */
  readonly databaseUrl?: string;
  /** PGlite data directory (default `./.ledger`); `memory://` keeps the database in memory. */
  readonly dataDir?: string;
  /** A schema for every table (created if missing), e.g. one per test run. Default: the server's search_path. */
  readonly schema?: string;
}

export const DEFAULT_DATA_DIR = './.ledger';
export { IN_MEMORY };
export type { LedgerDatabase };

/** Opens the database and brings its schema up to date (migrations); closes it again if that fails. */
export async function openDatabase(options: DatabaseOptions = {}): Promise<LedgerDatabase> {
  if (options.schema !== undefined) assertSchemaName(options.schema);
  const dataDir = options.dataDir ?? DEFAULT_DATA_DIR;
  const database = options.databaseUrl
    ? await openPostgresDatabase(options.databaseUrl, options.schema)
    : await openPgliteDatabase(dataDir === IN_MEMORY ? IN_MEMORY : resolve(dataDir), options.schema);
  try {
    await migrateToLatest(database);
  } catch (error) {
    await database.close();
    throw error;
  }
  return database;
}

/** Schema names go into `search_path` and DDL unquoted, so only plain identifiers are allowed. */
function assertSchemaName(schema: string): void {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new Error(`schema "${schema}" must be a lower-case identifier: letters, digits and _, not starting with a digit`);
  }
}
