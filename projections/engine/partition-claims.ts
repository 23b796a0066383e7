import { sql, type Kysely } from 'kysely';
import { messageOf } from './delays.js';

/** The claim on a whole projection (a global one, or the build of a new generation), beside its partitions 0…n-1. */
export const WHOLE_PROJECTION = -1;

/** Most projector processes counted on one database schema. */
const MAX_MEMBERS = 256;

interface Session {
  readonly connection: Kysely<unknown>;
  readonly close: () => void;
}

/**
 * Who folds what when several projector processes share the projections (docs/projections.md,
 * "Partitions"): PostgreSQL session advisory locks, all held on ONE connection this process keeps
 * open. A process is a member while it holds a member lock; it owns a partition (or a whole
 * projection) while it holds that lock. A process that dies — SIGKILL, a lost network — loses its
 * connection, the server releases its locks at once, and the survivors' next claim takes them: no
 * lease to expire, no heartbeat to miss. A lost connection here means lost claims: the caller stops
 * the work it owned and claims again (on a new connection).
 */
export class PartitionClaims {
  #session: Promise<Session> | undefined;

  constructor(private readonly deps: { readonly db: Kysely<unknown>; readonly baseSchema: string }) {}

  /** Projector processes now sharing this database schema (this one included). */
  async members(): Promise<number> {
    const { rows } = await this.#run((db) =>
      sql<{ members: number }>`SELECT count(DISTINCT pid)::integer AS members FROM pg_locks
        WHERE locktype = 'advisory' AND granted AND objsubid = 2
          AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
          AND classid::bigint = (hashtext(${this.#membersKey()}) & 2147483647)`.execute(db),
    );
    return Math.max(1, rows[0].members);
  }

  /** Takes partition `partition` (or WHOLE_PROJECTION) of `name` if no other process holds it. */
  async claim(name: string, partition: number): Promise<boolean> {
    const { rows } = await this.#run((db) =>
      sql<{ claimed: boolean }>`SELECT pg_try_advisory_lock(hashtext(${this.#key(name)}) & 2147483647, ${partition}::integer) AS claimed`.execute(db),
    );
    return rows[0].claimed;
  }

  async release(name: string, partition: number): Promise<void> {
    await this.#run((db) => sql`SELECT pg_advisory_unlock(hashtext(${this.#key(name)}) & 2147483647, ${partition}::integer)`.execute(db));
  }

  /** Leaves: every claim and the membership go with the connection. */
  async close(): Promise<void> {
    const session = this.#session;
    this.#session = undefined;
    if (session) (await session.catch(() => undefined))?.close();
  }

  #key(name: string): string {
    return `license-ledger:partition:${this.deps.baseSchema}:${name}`;
  }

  #membersKey(): string {
    return `license-ledger:projectors:${this.deps.baseSchema}`;
  }

  /** Runs on the claims' connection; a failure closes it (its locks are gone or going) and is thrown. */
  async #run<T>(work: (db: Kysely<unknown>) => Promise<T>): Promise<T> {
    this.#session ??= this.#open();
    const session = this.#session;
    try {
      return await work((await session).connection);
    } catch (error) {
      if (this.#session === session) this.#session = undefined;
      (await session.catch(() => undefined))?.close();
      throw new Error(`the projector's claims connection failed, its partitions are given up: ${messageOf(error)}`, { cause: error });
    }
  }

  /** A connection of the pool kept for the claims, with a member lock taken on it. */
  #open(): Promise<Session> {
    return new Promise((resolve, reject) => {
      let close!: () => void;
      const closed = new Promise<void>((done) => (close = done));
      this.deps.db
        .connection()
        .execute(async (connection) => {
          for (let slot = 0; slot < MAX_MEMBERS; slot++) {
            const { rows } = await sql<{ joined: boolean }>`
              SELECT pg_try_advisory_lock(hashtext(${this.#membersKey()}) & 2147483647, ${slot}::integer) AS joined`.execute(connection);
            if (rows[0].joined) {
              resolve({ connection, close });
              await closed;
              await sql`SELECT pg_advisory_unlock_all()`.execute(connection).catch(() => undefined);
              return;
            }
          }
          throw new Error(`more than ${MAX_MEMBERS} projector processes share schema ${this.deps.baseSchema}`);
        })
        .catch(reject);
    });
  }
}
