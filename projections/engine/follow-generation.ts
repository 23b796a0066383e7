import { comparePositions, formatPosition, type LogPosition, type StoredEvent } from '../../libs/event-store/src/event-store.js';
import type { Projection } from '../projection.js';
import { abortableDelay, messageOf, retryDelayMs } from './delays.js';
import type { EngineDeps } from './engine-deps.js';
import { CheckpointAheadOfLogError, CheckpointOfAnotherStoreError } from './errors.js';
import { describeOutside, foldBatch, type BatchOutcome, type FoldTarget } from './fold-batch.js';
import { foldPartitionBatch } from './fold-partition-batch.js';
import { schemaOf } from './generations.js';
import type { PartitionCheckpoint } from './partition-registry.js';
import { haltGeneration, readGeneration, recordFailure, type GenerationRecord } from './registry.js';

/** Why following ended: stopped by the caller, the generation retired, discarded or split into partitions, or `until` said so. */
export type FollowEnd = 'stopped' | 'ended' | 'caught-up';

export interface FollowOptions {
  readonly signal: AbortSignal;
  /** Asked before reading and after each batch: true ends the run, 'caught-up'. */
  readonly until?: (position: LogPosition | null) => Promise<boolean>;
  /** After each committed batch; the next batch is folded once it settles. */
  readonly onBatch?: (events: number, position: LogPosition) => void | Promise<void>;
  /** Most events per batch (default `deps.batchSize`). */
  readonly batchSize?: number;
}

/**
 * Folds the global log into one generation, from its checkpoint (exclusive), batch by batch, in log
 * order, waiting for new events once at the head. A failed batch is logged, recorded in the registry
 * and retried after a growing delay; nothing of it was written. A checkpoint of another log, or past
 * the end of this one, is refused the same way (see CheckpointAheadOfLogError): never followed.
 */
export function followGeneration(deps: EngineDeps, projection: Projection, generation: GenerationRecord, options: FollowOptions): Promise<FollowEnd> {
  const target = { projection, generation: generation.generation, schema: schemaOf(deps, generation) };
  return new GenerationFollower(deps, target, generation, options, (expected, batch) => foldBatch(deps, target, expected, batch)).run();
}

/**
 * `followGeneration` for one partition of a generation split into `generation.partitions`: from the
 * partition's checkpoint, folding only its accounts' events (`foldPartitionBatch`). Ends 'ended' once
 * the generation was retired or discarded.
 */
export function followPartition(
  deps: EngineDeps,
  projection: Projection,
  generation: GenerationRecord,
  checkpoint: PartitionCheckpoint,
  options: FollowOptions,
): Promise<FollowEnd> {
  const partitions = generation.partitions;
  if (partitions === null) throw new Error(`projection "${projection.name}" generation ${generation.generation} is not split into partitions`);
  const target = { projection, generation: generation.generation, schema: schemaOf(deps, generation), partition: checkpoint.partition, partitions };
  return new GenerationFollower(deps, target, { ...generation, position: checkpoint.position }, options, (expected, batch) =>
    foldPartitionBatch(deps, target, expected, batch),
  ).run();
}

class GenerationFollower {
  #position: LogPosition | null;
  #storeId: string | null;
  #halted: string | null;
  #failures = 0;

  constructor(
    private readonly deps: EngineDeps,
    private readonly target: FoldTarget,
    from: Pick<GenerationRecord, 'position' | 'storeId' | 'halted'>,
    private readonly options: FollowOptions,
    private readonly fold: (expected: LogPosition | null, batch: readonly StoredEvent[]) => Promise<BatchOutcome>,
  ) {
    this.#position = from.position;
    this.#storeId = from.storeId;
    this.#halted = from.halted;
  }

  async run(): Promise<FollowEnd> {
    while (!this.options.signal.aborted) {
      try {
        const end = await this.#readOn();
        if (end) return end;
      } catch (error) {
        await this.#retryLater(error);
      }
    }
    return 'stopped';
  }

  /**
   * Reads from the current position; undefined when another runner moved the checkpoint (read again
   * from there). The next batch is read while the current one folds: the database reads the log
   * while this process folds.
   */
  async #readOn(): Promise<FollowEnd | undefined> {
    const { signal, until, onBatch } = this.options;
    if (await this.#refused()) return 'ended';
    if (await until?.(this.#position)) return 'caught-up';
    // Aborted when we stop reading, so that a read ahead waiting at the head of the log ends too.
    const reading = new AbortController();
    const subscription = this.deps.store.subscribeToAll({
      after: this.#position,
      signal: AbortSignal.any([signal, reading.signal]),
      batchSize: this.options.batchSize ?? this.deps.batchSize,
    });
    const batches = subscription[Symbol.asyncIterator]();
    let next = batches.next();
    try {
      for (let read = await next; !read.done; read = await next) {
        const batch = read.value;
        next = batches.next();
        const outcome = await this.fold(this.#position, batch);
        if (outcome.kind === 'ended' || outcome.kind === 'partitioned') return 'ended';
        if (outcome.kind === 'halted') {
          this.#halted = outcome.reason;
          return undefined;
        }
        if (outcome.kind === 'other-store') {
          this.#storeId = outcome.storeId;
          return undefined;
        }
        this.#position = outcome.position;
        if (outcome.kind === 'moved') return undefined;
        this.#storeId = this.deps.store.storeId;
        this.#failures = 0;
        if (outcome.outside.length > 0) this.#reportOutside(outcome.outside);
        await onBatch?.(batch.length, outcome.position);
        if (await until?.(this.#position)) return 'caught-up';
      }
    } finally {
      // The read ahead is dropped (a failed one is of no interest once we stop reading).
      reading.abort();
      void next.then(
        () => batches.return?.(),
        () => undefined,
      );
    }
    if (signal.aborted) return 'stopped';
    throw new Error('the event store ended the subscription');
  }

  /**
   * Refuses (throws) a checkpoint of another log, or one past the end of this log (recreated, or
   * restored from an older backup); true once a refused generation was retired by a rebuild.
   */
  async #refused(): Promise<boolean> {
    const { projection, generation } = this.target;
    const { store } = this.deps;
    if (this.#halted === null && (this.#storeId === null || this.#storeId === store.storeId)) {
      await this.#haltIfAheadOfLog();
      return false;
    }
    const record = await readGeneration(this.deps.db, projection.name, generation);
    if (!record || record.status === 'retired') return true;
    if (this.#halted !== null) throw new Error(this.#halted);
    throw new CheckpointOfAnotherStoreError(projection.name, generation, this.#storeId!, store.storeId);
  }

  async #haltIfAheadOfLog(): Promise<void> {
    const { projection, generation } = this.target;
    const { store } = this.deps;
    if (this.#position === null) return;
    const head = await store.headPosition();
    if (comparePositions(this.#position, head) > 0) {
      const error = new CheckpointAheadOfLogError(projection.name, generation, formatPosition(this.#position)!, formatPosition(head));
      await haltGeneration(this.deps.db, projection.name, generation, error.message);
      this.#halted = error.message;
      throw error;
    }
  }

  #reportOutside(events: readonly StoredEvent[]): void {
    this.deps.logger.warn(`${this.target.projection.name} generation ${this.target.generation}: ${describeOutside(events)}`);
  }

  async #retryLater(error: unknown): Promise<void> {
    const { projection, generation } = this.target;
    const delayMs = retryDelayMs(this.deps.retryDelayMs, ++this.#failures);
    const message = messageOf(error);
    this.deps.logger.error(`${projection.name} generation ${generation}: a batch failed, retrying in ${delayMs} ms: ${message}`);
    await recordFailure(this.deps.db, projection.name, generation, message).catch(() => {});
    await abortableDelay(delayMs, this.options.signal);
  }
}
