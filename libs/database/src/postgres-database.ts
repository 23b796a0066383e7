import { Kysely, PostgresDialect } from 'kysely';
import { LedgerIntrospector } from './ledger-introspector.js';
import pg from 'pg';
import type { LedgerDatabase } from './ledger-database.js';
import { PostgresNotifications } from './postgres-notifications.js';

/**
 * Opens a pool on `url`. With a schema, every pooled connection starts with `search_path` set
 * to it (a startup option, so no extra round trip), and the schema is created if missing.
 */
export async function openPostgresDatabase(url: string, schema: string | undefined): Promise<LedgerDatabase> {
  const location = withoutPassword(url);
  const pool = new pg.Pool({ connectionString: url, options: schema ? `-c search_path=${schema}` : undefined });
  // An idle connection that breaks is dropped by the pool and the next query opens a new one;
  // without a listener the 'error' event would crash the process.
  pool.on('error', () => {});
  // A borrowed connection (e.g. inside a transaction, between two statements) has no pool listener:
  // when it breaks, its next statement fails and the caller sees that; the event itself is not fatal.
  pool.on('connect', (client) => client.on('error', () => {}));
  let current = schema;
  try {
    if (schema) await pool.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    else current = (await pool.query<{ name: string | null }>('SELECT current_schema() AS name')).rows[0].name ?? 'public';
  } catch (error) {
    if (!isConcurrentSchemaCreation(error)) {
      await pool.end();
      throw new Error(`cannot open PostgreSQL at ${location}: ${(error as Error).message}`, { cause: error });
    }
  }
  return new PostgresDatabase(pool, url, location, current ?? 'public');
}

class PostgresDatabase implements LedgerDatabase {
  readonly kind = 'postgres';
  readonly location: string;
  readonly schema: string;
  readonly #pool: pg.Pool;
  readonly #kysely: Kysely<unknown>;
  readonly #notifications: PostgresNotifications;

  constructor(pool: pg.Pool, url: string, location: string, schema: string) {
    this.#pool = pool;
    this.location = location;
    this.schema = schema;
    this.#notifications = new PostgresNotifications(url);
    this.#kysely = new Kysely({
      dialect: new LedgerPostgresDialect({
        // The pool belongs to this database: Kysely may borrow connections but not end it.
        pool: { Client: pg.Client, options: pool.options, connect: () => pool.connect(), end: async () => {} },
      }),
    });
  }

  kysely<Tables>(): Kysely<Tables> {
    return this.#kysely as Kysely<Tables>;
  }

  listen(channel: string, onNotification: (payload: string) => void): Promise<() => Promise<void>> {
    return this.#notifications.listen(channel, onNotification);
  }

  async close(): Promise<void> {
    await this.#notifications.close();
    await this.#pool.end();
  }
}

/** PostgreSQL through node-postgres, introspected safely beside concurrent schema drops (LedgerIntrospector). */
class LedgerPostgresDialect extends PostgresDialect {
  override createIntrospector(db: Kysely<unknown>) {
    return new LedgerIntrospector(db);
  }
}

/** Two processes creating the same schema at once: one of them gets a unique violation. */
function isConcurrentSchemaCreation(error: unknown): boolean {
  return (error as { code?: string }).code === '23505';
}

function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'the configured DATABASE_URL';
  }
}
