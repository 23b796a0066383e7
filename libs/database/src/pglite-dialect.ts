import type { PGlite, Transaction } from '@electric-sql/pglite';
import {
  PostgresAdapter,
  PostgresQueryCompiler,
  type CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';
import { LedgerIntrospector } from './ledger-introspector.js';

/** Kysely over one in-process PGlite: PostgreSQL SQL, PGlite's own locking and transactions. */
export class PgliteDialect implements Dialect {
  readonly #pglite: PGlite;

  constructor(pglite: PGlite) {
    this.#pglite = pglite;
  }

  createAdapter() {
    return new PostgresAdapter();
  }

  createDriver(): Driver {
    return new PgliteDriver(this.#pglite);
  }

  createQueryCompiler() {
    return new PostgresQueryCompiler();
  }

  createIntrospector(db: Kysely<unknown>) {
    return new LedgerIntrospector(db);
  }
}

/**
 * PGlite is one session that serialises queries itself, so a "connection" is only a handle that
 * may be inside a transaction. The database's owner closes PGlite: `destroy` leaves it open.
 */
class PgliteDriver implements Driver {
  readonly #pglite: PGlite;

  constructor(pglite: PGlite) {
    this.#pglite = pglite;
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    return new PgliteConnection(this.#pglite);
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    await (connection as PgliteConnection).begin(settings);
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await (connection as PgliteConnection).commit();
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await (connection as PgliteConnection).rollback();
  }

  async releaseConnection(): Promise<void> {}

  async destroy(): Promise<void> {}
}

interface OpenTransaction {
  readonly tx: Transaction;
  /** Lets PGlite's transaction callback return: it then commits, unless `tx.rollback()` ran. */
  readonly finish: () => void;
  readonly finished: Promise<void>;
}

class PgliteConnection implements DatabaseConnection {
  readonly #pglite: PGlite;
  #open: OpenTransaction | null = null;

  constructor(pglite: PGlite) {
    this.#pglite = pglite;
  }

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const result = await (this.#open?.tx ?? this.#pglite).query<R>(query.sql, [...query.parameters]);
    return {
      rows: result.rows,
      numAffectedRows: result.affectedRows === undefined ? undefined : BigInt(result.affectedRows),
    };
  }

  /** PGlite has no streaming cursor: the whole result comes as one chunk. */
  async *streamQuery<R>(query: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    yield await this.executeQuery<R>(query);
  }

  /** PGlite runs a transaction as a callback holding its lock; the callback stays open until commit or rollback. */
  async begin(settings: TransactionSettings): Promise<void> {
    this.#open = await new Promise<OpenTransaction>((started, failedToStart) => {
      const finished = this.#pglite.transaction((tx) => new Promise<void>((finish) => started({ tx, finish, finished })));
      finished.catch(failedToStart); // only matters before `started`; later errors surface in commit/rollback
    });
    try {
      await applySettings(this.#open.tx, settings);
    } catch (error) {
      await this.rollback();
      throw error;
    }
  }

  async commit(): Promise<void> {
    const open = this.#take();
    open.finish();
    await open.finished;
  }

  async rollback(): Promise<void> {
    const open = this.#take();
    try {
      await open.tx.rollback();
    } finally {
      open.finish();
    }
    await open.finished;
  }

  #take(): OpenTransaction {
    const open = this.#open;
    if (!open) throw new Error('no transaction is open on this PGlite connection');
    this.#open = null;
    return open;
  }
}

async function applySettings(tx: Transaction, settings: TransactionSettings): Promise<void> {
  const modes = [settings.isolationLevel && `isolation level ${settings.isolationLevel}`, settings.accessMode].filter(Boolean);
  if (modes.length > 0) await tx.query(`set transaction ${modes.join(', ')}`);
}
