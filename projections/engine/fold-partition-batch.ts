import { sql } from 'kysely';
import { accountIdOfStream } from '../../libs/domain/src/streams.js';
import { comparePositions, type StoredEvent } from '../../libs/event-store/src/event-store.js';
import type { LogPosition } from '../../libs/event-store/src/event-store.js';
import type { EngineDeps } from './engine-deps.js';
import { eventsFor, type BatchOutcome, type FoldTarget } from './fold-batch.js';
import { advancePartition, partitionOfAccount, readPartition, rollUpPartitions } from './partition-registry.js';
import { readModelDb } from './read-model-db.js';
import { readGeneration } from './registry.js';

/** One partition of a generation split into `partitions` (partition-registry.ts). */
export interface PartitionTarget extends FoldTarget {
  readonly partition: number;
  readonly partitions: number;
}

/**
 * `foldBatch` for one partition: the same transaction — a batch lock (of the partition), a
 * compare-and-set on the partition's checkpoint, `apply` with the batch's events of the partition's
 * accounts, the new checkpoint — so each event takes effect exactly once whoever owns the partition
 * and wherever one dies. Partitions fold side by side: they share no rows (each projection split is
 * keyed by account, `Projection.partitionable`) and take no common lock. Once the batch committed, the
 * generation's checkpoint is brought up to the lowest partition's (`rollUpPartitions`). A process that
 * dies between the two leaves it lower than it could be, never higher; the next roll-up mends it.
 */
export async function foldPartitionBatch(
  deps: EngineDeps,
  target: PartitionTarget,
  expected: LogPosition | null,
  batch: readonly StoredEvent[],
): Promise<BatchOutcome> {
  const { projection, generation, schema, partition, partitions } = target;
  const last = batch[batch.length - 1].position;
  // Every partition passes them over; the first one reports them.
  const outside = partition === 0 ? batch.filter((event) => accountIdOfStream(event.streamId) === null) : [];
  const events = eventsFor(
    projection,
    batch.filter((event) => {
      const accountId = accountIdOfStream(event.streamId);
      return accountId !== null && partitionOfAccount(accountId, partitions) === partition;
    }),
  );
  if (events.length > 0 && projection.prepare) await projection.prepare(readModelDb(deps.db, schema), events, deps.context);
  const outcome = await deps.db.transaction().execute(async (trx): Promise<BatchOutcome> => {
    await sql`SELECT pg_advisory_xact_lock(hashtext(${`license-ledger:projection-batch:${schema}:${partition}`}))`.execute(trx);
    const record = await readGeneration(trx, projection.name, generation);
    if (!record || record.status === 'retired' || record.partitions !== partitions) return { kind: 'ended' };
    if (record.halted !== null) return { kind: 'halted', reason: record.halted };
    if (record.storeId !== null && record.storeId !== deps.store.storeId) return { kind: 'other-store', storeId: record.storeId };
    const checkpoint = await readPartition(trx, projection.name, generation, partition, { lock: true });
    if (!checkpoint) return { kind: 'ended' };
    if (comparePositions(checkpoint.position, expected) !== 0) return { kind: 'moved', position: checkpoint.position };
    if (events.length > 0) await projection.apply(readModelDb(trx, schema), events, deps.context);
    await advancePartition(trx, { name: projection.name, generation, partition }, last, batch.length, events.length);
    return { kind: 'committed', position: last, outside };
  });
  if (outcome.kind === 'committed') await rollUpPartitions(deps.db, projection.name, generation, deps.store.storeId);
  return outcome;
}
