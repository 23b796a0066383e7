import type { Kysely } from 'kysely';

/**
 * The one SQL database of the product: events (unless EventStoreDB holds them), read models,
 * checkpoints, keys. PostgreSQL through a pool, or embedded PGlite in a data directory; the same SQL
 * runs on both, always through Kysely (builders or the `sql` tag), and `bigint` columns come back as
 * strings on both backends. Its tables are created by migrations (./migrations) when it is opened.
 */
export interface LedgerDatabase {
  readonly kind: 'postgres' | 'pglite';
  /** Where the data lives, for logs: the URL without its password, or the data directory. */
  readonly location: string;
  /** The schema unqualified tables live in (`public` unless a schema was asked for). */
  readonly schema: string;

  /**
   * The Kysely instance over this database, typed with the tables of the module asking (each module
   * declares the tables it owns, e.g. `EventStoreTables`). Inside `kysely.transaction()`, use only the
   * `trx` it gives: on PGlite a query outside waits for the transaction to end, so it would never run.
   * Closing the database closes it; `destroy()` on it is a no-op.
   */
  kysely<Tables>(): Kysely<Tables>;

  /** Calls `onNotification` for every NOTIFY on `channel`, until the returned function is called. */
  listen(channel: string, onNotification: (payload: string) => void): Promise<() => Promise<void>>;

  close(): Promise<void>;
}
