import type { EventStore } from '../../../event-store/src/event-store.js';
import { AuditFold, encodeAuditFold } from './audit-fold.js';
import { foldStream, startAt } from './checkpointed-fold.js';
import type { ReplayCheckpoints } from './replay-checkpoints.js';

/** Events between two checkpoints of an account: an as-of answer folds at most this many after its checkpoint. */
export const DEFAULT_CHECKPOINT_EVERY_EVENTS = 25_000;

/**
 * Takes the checkpoints an account is missing: from its latest checkpoint (or its first event), folds
 * the stream to its end and keeps the fold after every `every`-th event of the stream. Extending the same account twice at
 * once is one extension. Failures are reported to `failed` and cost only a longer fold next time.
 */
export class CheckpointWriter {
  readonly #running = new Map<string, Promise<void>>();

  constructor(
    private readonly store: EventStore,
    private readonly checkpoints: ReplayCheckpoints,
    private readonly every = DEFAULT_CHECKPOINT_EVERY_EVENTS,
    private readonly failed: (error: unknown) => void = () => undefined,
  ) {}

  /** Extends the account's checkpoints to the end of its stream (resolves when written). */
  extend(accountId: string): Promise<void> {
    let running = this.#running.get(accountId);
    if (!running) {
      running = this.#extend(accountId)
        .catch(this.failed)
        .finally(() => this.#running.delete(accountId));
      this.#running.set(accountId, running);
    }
    return running;
  }

  async #extend(accountId: string): Promise<void> {
    const latest = await this.checkpoints.latest(accountId);
    const fold = (latest && (await startAt(this.store, accountId, latest))) ?? new AuditFold();
    const pending: Promise<void>[] = [];
    const every = BigInt(this.every);
    await foldStream(
      this.store,
      accountId,
      fold,
      () => true,
      (event, folded) => {
        // At fixed revisions (every-th event of the stream), wherever the fold started.
        if ((event.streamRevision + 1n) % every !== 0n) return;
        pending.push(this.checkpoints.save(accountId, { through: folded.through!, body: encodeAuditFold(folded) }));
      },
    );
    await Promise.all(pending);
  }
}
