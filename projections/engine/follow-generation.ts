import type { LogPosition } from '../../libs/event-store/src/event-store.js';
import type { Projection } from '../projection.js';
import { abortableDelay, messageOf, retryDelayMs } from './delays.js';
import type { EngineDeps } from './engine-deps.js';
import { foldBatch, type FoldTarget } from './fold-batch.js';
import { schemaOf } from './generations.js';
import { recordFailure, type GenerationRecord } from './registry.js';

/** Why following ended: stopped by the caller, the generation retired or discarded, or `until` said so. */
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
 * and retried after a growing delay; nothing of it was written.
 */
export function followGeneration(
  deps: EngineDeps, projection: Projection, generation: GenerationRecord, options: FollowOptions,
): Promise<FollowEnd> {
  return new GenerationFollower(deps, { projection, generation: generation.generation, schema: schemaOf(deps, generation) },
    generation.position, options).run();
}

class GenerationFollower {
  #position: LogPosition | null;
  #failures = 0;

  constructor(
    private readonly deps: EngineDeps,
    private readonly target: FoldTarget,
    from: LogPosition | null,
    private readonly options: FollowOptions,
  ) {
    this.#position = from;
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
    if (await until?.(this.#position)) return 'caught-up';
    // Aborted when we stop reading, so that a read ahead waiting at the head of the log ends too.
    const reading = new AbortController();
    const batches = this.deps.store.subscribeToAll({
      after: this.#position, signal: AbortSignal.any([signal, reading.signal]), batchSize: this.options.batchSize ?? this.deps.batchSize,
    })[Symbol.asyncIterator]();
    let next = batches.next();
    try {
      for (let read = await next; !read.done; read = await next) {
        const batch = read.value;
        next = batches.next();
        const outcome = await foldBatch(this.deps, this.target, this.#position, batch);
        if (outcome.kind === 'ended') return 'ended';
        this.#position = outcome.position;
        if (outcome.kind === 'moved') return undefined;
        this.#failures = 0;
        await onBatch?.(batch.length, outcome.position);
        if (await until?.(this.#position)) return 'caught-up';
      }
    } finally {
      // The read ahead is dropped (a failed one is of no interest once we stop reading).
      reading.abort();
      void next.then(() => batches.return?.(), () => undefined);
    }
    if (signal.aborted) return 'stopped';
    throw new Error('the event store ended the subscription');
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
