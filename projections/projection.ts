import type { Migration } from 'kysely/migration';
import type { ActivityActions } from '../libs/domain/src/activity-rules.js';
import { accountIdOfStream } from '../libs/domain/src/streams.js';
import type { StoredEvent } from '../libs/event-store/src/event-store.js';
import type { StoredLedgerEvent } from '../libs/event-store/src/stored-ledger-event.js';
import type { ReadModelCache } from './engine/read-model-cache.js';
import type { ReadModelDb } from './engine/read-model-db.js';

/**
 * A projection folds the global log into read-model tables of its own.
 *
 * Each projection owns a PostgreSQL schema per *generation* (`rm_<name>_g<n>`, see
 * `generationSchema`): a rebuild fills a new generation while the active one keeps serving, then
 * the active generation switches atomically. Code that reads or writes a projection's tables gets a
 * `ReadModelDb` from the engine: Kysely scoped to that schema (table names stay plain) and the schema
 * itself for raw SQL. `Tables` is the Kysely interface of its tables.
 *
 * A batch's writes and the projection's checkpoint commit in one transaction, so `apply` sees each
 * event exactly once, in log order; it need not be idempotent. It should fold the batch in memory and
 * write set-wise (multi-row insert / upsert), not one statement per event.
 */
export interface Projection<Tables = unknown> {
  /** Kebab-case name, e.g. 'sessions'; also the name used by `ledger projections rebuild NAME`. */
  readonly name: string;
  /** Bumped whenever the folding rules change; a new version is built by a rebuild. */
  readonly version: number;
  /**
   * The rules of `ProjectionContext` its folding depends on (default: all of them). A generation is
   * stale when one of these differs from the configuration; a change to another rule leaves it alone.
   */
  readonly rules?: readonly RuleName[];
  /**
   * True when it folds each account on its own — its tables keyed by account, no fold reading or
   * writing another account's rows, nothing done outside its tables — so that several projector
   * processes may share it, each folding the accounts of its partitions (docs/projections.md,
   * "Partitions"). Unset: global, folded whole by one process at a time.
   */
  readonly partitionable?: boolean;
  /** Event types this projection folds; others are skipped (the checkpoint still advances). */
  readonly eventTypes: ReadonlySet<string>;
  /**
   * How the engine turns a batch's stored events into those `prepare` and `apply` get. Default:
   * `decodeStoredEvents`, the ledger's events checked against their shapes. Only a projection of
   * something other than the ledger's events (the engine's own tests) gives another.
   */
  readonly decode?: (events: readonly StoredEvent[]) => readonly StoredLedgerEvent[];
  /**
   * Create its tables in a new, empty generation schema (run by Kysely's Migrator there, which records
   * them in the generation's own `ledger_migrations`). Named `v<version>-…` after the version that
   * introduced them; a generation is never migrated in place, so a change to the tables is a new
   * migration and a new version (the engine refuses a migration named after a later version), whose
   * rebuild creates a new generation (docs/database.md).
   */
  readonly migrations: Readonly<Record<string, Migration>>;
  /**
   * Optional: called before each batch's transaction with the same events, for work that must not run
   * inside it — reading the event store, say (on PGlite a query outside the transaction waits for it to
   * end). `db` is the generation's tables outside the transaction. Nothing it finds may be trusted
   * blindly: `apply` runs later, and must check what it relies on against its tables.
   */
  prepare?(db: ReadModelDb<Tables>, events: readonly StoredLedgerEvent[], context: ProjectionContext): Promise<void>;
  /** Folds one batch of events (already filtered to `eventTypes` and decoded, in log order), inside the batch's transaction. */
  apply(db: ReadModelDb<Tables>, events: readonly StoredLedgerEvent[], context: ProjectionContext): Promise<void>;
}

/** Rules a projection may depend on; a change to those it depends on calls for a rebuild. */
export interface ProjectionContext {
  /** SESSION_LEASE_SECONDS × 1000. */
  readonly leaseMs: number;
  /** ACTIVITY_ACTIONS: the RecordActivity actions that count as activity; null = every action. */
  readonly activityActions: ActivityActions;
}

export type RuleName = keyof ProjectionContext;

/** Business time of a stored event (ms since epoch). */
export function occurredAt(event: StoredEvent): number {
  return Date.parse(event.metadata.occurredAt);
}

/** The account an event belongs to (every stream is `account-<id>`). */
export function accountOf(event: StoredEvent): string {
  const accountId = accountIdOfStream(event.streamId);
  if (accountId === null) throw new Error(`event ${event.eventId} is in stream ${event.streamId}, not an account stream`);
  return accountId;
}

/** What report queries use to read a projection: its active tables and how far it has folded. */
export interface ProjectionReader {
  reader<Tables>(name: string): Promise<{
    readonly db: ReadModelDb<Tables>;
    readonly position: import('../libs/event-store/src/event-store.js').LogPosition | null;
    /** Kept with the generation read: values derived from its tables, for the next requests. */
    readonly cache: ReadModelCache;
  }>;
}
