import { join } from 'node:path';
import { PGlite, types } from '@electric-sql/pglite';
import { Kysely } from 'kysely';
import { lockDataDir, type DataDirLock } from './data-dir-lock.js';
import type { LedgerDatabase } from './ledger-database.js';
import { PgliteDialect } from './pglite-dialect.js';

export const IN_MEMORY = 'memory://';

/** Opens embedded PGlite in `dataDir` (locked for this process) or in memory (`memory://`). */
export async function openPgliteDatabase(dataDir: string, schema: string | undefined): Promise<LedgerDatabase> {
  const lock = dataDir === IN_MEMORY ? null : lockDataDir(dataDir);
  try {
    const pglite = await PGlite.create(lock ? join(dataDir, 'pgdata') : IN_MEMORY, {
      // bigint as a string, as node-postgres returns it, so read models behave the same on both.
      parsers: { [types.INT8]: (value: string) => value },
    });
    if (schema) await pglite.exec(`CREATE SCHEMA IF NOT EXISTS ${schema}; SET search_path TO ${schema}`);
    return new PgliteDatabase(pglite, lock, dataDir, schema ?? 'public');
  } catch (error) {
    lock?.release();
    throw error;
  }
}

class PgliteDatabase implements LedgerDatabase {
  readonly kind = 'pglite';
  readonly location: string;
  readonly schema: string;
  readonly #pglite: PGlite;
  readonly #lock: DataDirLock | null;
  readonly #kysely: Kysely<unknown>;

  constructor(pglite: PGlite, lock: DataDirLock | null, location: string, schema: string) {
    this.#pglite = pglite;
    this.#lock = lock;
    this.location = location;
    this.schema = schema;
    this.#kysely = new Kysely({ dialect: new PgliteDialect(pglite) });
  }

  kysely<Tables>(): Kysely<Tables> {
    return this.#kysely as Kysely<Tables>;
  }

  async listen(channel: string, onNotification: (payload: string) => void): Promise<() => Promise<void>> {
    const unlisten = await this.#pglite.listen(channel, onNotification);
    return () => unlisten();
  }

  async close(): Promise<void> {
    try {
      await this.#pglite.close();
    } finally {
      this.#lock?.release();
    }
  }
}
