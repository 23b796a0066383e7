import { resolve } from 'node:path';
import type { Kysely } from 'kysely';
import { IN_MEMORY, openPgliteDatabase } from './pglite-database.js';
import { openPostgresDatabase } from './postgres-database.js';

/** A row as the driver returns it: `bigint` columns come back as strings on both backends. */
export type SqlRow = Record<string, unknown>;

/** Runs SQL with `$1…` parameters. The database itself, or a transaction opened by it. */
export interface SqlExecutor {
  query<Row extends object = SqlRow>(text: string, params?: readonly unknown[]): Promise<Row[]>;
}

/**
 * The one SQL database of the product: events (unless EventStoreDB holds them), read models,
 * checkpoints. PostgreSQL through a pool, or embedded PGlite in a data directory; the same SQL runs
 * on both.
 */
export interface LedgerDatabase extends SqlExecutor {
  readonly kind: 'postgres' | 'pglite';
  /** Where the data lives, for logs: the URL without its password, or the data directory. */
  readonly location: string;
  /** The schema unqualified tables live in (`public` unless a schema was asked for). */
  readonly schema: string;

  /**
   * Runs `work` in one transaction: committed when it resolves, rolled back when it throws.
   * Inside, use only `tx` — on PGlite, a query on the database itself waits for the transaction
   * to end, so it would never run.
   */
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;

  /**
   * The Kysely instance over this database, typed with the caller's tables. The same rule as
   * for `transaction` holds: inside `kysely.transaction()`, use only the `trx` it gives.
   * Closing the database closes it; `destroy()` on it is a no-op.
   */
  kysely<Tables>(): Kysely<Tables>;

  /** Calls `onNotification` for every NOTIFY on `channel`, until the returned function is called. */
  listen(channel: string, onNotification: (payload: string) => void): Promise<() => Promise<void>>;

  close(): Promise<void>;
}

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

export async function openDatabase(options: DatabaseOptions = {}): Promise<LedgerDatabase> {
  if (options.schema !== undefined) assertSchemaName(options.schema);
  if (options.databaseUrl) return openPostgresDatabase(options.databaseUrl, options.schema);
  const dataDir = options.dataDir ?? DEFAULT_DATA_DIR;
  return openPgliteDatabase(dataDir === IN_MEMORY ? IN_MEMORY : resolve(dataDir), options.schema);
}

/** Schema names go into `search_path` and DDL unquoted, so only plain identifiers are allowed. */
function assertSchemaName(schema: string): void {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new Error(`schema "${schema}" must be a lower-case identifier: letters, digits and _, not starting with a digit`);
  }
}
