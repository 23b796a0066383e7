import type { Kysely } from 'kysely';
import type { EventStore } from '../../libs/event-store/src/event-store.js';
import type { ProjectionContext } from '../projection.js';
import type { PartitionClaims } from './partition-claims.js';

/** Where the engine writes what it has to say: Nest's Logger fits. */
export interface ProjectionLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** What every part of the engine works with. */
export interface EngineDeps {
  readonly db: Kysely<unknown>;
  /** The database's own schema: the registry lives there, generation schemas are named after it. */
  readonly baseSchema: string;
  readonly store: EventStore;
  /** The configured rules; each generation stores those its projection depends on (`generationRules`). */
  readonly context: ProjectionContext;
  readonly logger: ProjectionLogger;
  /** Most events folded in one transaction. */
  readonly batchSize: number;
  /** The same while a rebuild replays the log into a building generation (fewer, bigger transactions). */
  readonly rebuildBatchSize: number;
  /**
   * Whether several projections may fold at once, each in a transaction of its own (PostgreSQL: a pool);
   * false on PGlite, whose one connection runs one transaction at a time anyway.
   */
  readonly concurrentFolds: boolean;
  /** First wait after a failed batch; doubled on each failure in a row, up to a minute. */
  readonly retryDelayMs: number;
  /** How long a retired generation stays, for reports that looked it up just before the switch. */
  readonly retiredGraceMs: number;
  /**
   * Into how many partitions this process splits an active generation of a `partitionable` projection
   * that is not split yet, to share it with other projector processes (PROJECTOR_PARTITIONS); 1: it
   * does not split (a generation split already is still folded by partitions).
   */
  readonly partitions: number;
  /** How often a process sharing partitioned projections counts the others and claims or gives back partitions. */
  readonly claimIntervalMs: number;
  /** This process's claims on partitions and whole projections (one connection, opened on first use). */
  readonly claims: PartitionClaims;
}
