import type { Projection } from '../projection.js';
import { abortableDelay } from './delays.js';
import type { EngineDeps } from './engine-deps.js';
import { followPartition, type FollowEnd } from './follow-generation.js';
import type { PartitionClaims } from './partition-claims.js';
import { readPartition, rollUpPartitions } from './partition-registry.js';
import type { GenerationRecord } from './registry.js';

interface PartitionWorker {
  readonly stop: AbortController;
  readonly done: Promise<FollowEnd>;
  end?: FollowEnd;
}

/**
 * Folds this process's share of a generation split into partitions, until `signal` aborts or the
 * generation ends (retired or discarded: answered 'ended'). Every `claimIntervalMs` it counts the
 * projector processes (`claims.members()`) and holds ceil(partitions / members) partitions: it claims
 * free ones while it holds fewer — those of a process that joined late, left or died — and gives back
 * the last ones (after their batch in flight) while it holds more, so that a process that joins gets
 * its share. Each partition it holds is followed on its own (`followPartition`).
 */
export async function followPartitions(
  deps: EngineDeps,
  projection: Projection,
  generation: GenerationRecord,
  claims: PartitionClaims,
  signal: AbortSignal,
): Promise<'stopped' | 'ended'> {
  const { name } = projection;
  const partitions = generation.partitions!;
  const workers = new Map<number, PartitionWorker>();
  const start = async (partition: number): Promise<void> => {
    const checkpoint = await readPartition(deps.db, name, generation.generation, partition);
    const stop = new AbortController();
    const worker: PartitionWorker = {
      stop,
      done: checkpoint
        ? followPartition(deps, projection, generation, checkpoint, { signal: AbortSignal.any([signal, stop.signal]) })
        : Promise.resolve('ended'),
    };
    void worker.done.then((end) => (worker.end = end));
    workers.set(partition, worker);
  };
  const giveBack = async (partition: number): Promise<void> => {
    const worker = workers.get(partition)!;
    worker.stop.abort();
    await worker.done;
    workers.delete(partition);
    await claims.release(name, partition);
  };
  try {
    while (!signal.aborted) {
      for (const [partition, worker] of workers) {
        if (worker.end === 'ended') return 'ended';
        if (worker.end !== undefined) await giveBack(partition);
      }
      const share = Math.ceil(partitions / (await claims.members()));
      for (let partition = 0; partition < partitions && workers.size < share; partition++) {
        if (!workers.has(partition) && (await claims.claim(name, partition))) {
          deps.logger.log(`${name} generation ${generation.generation}: folding partition ${partition} of ${partitions}`);
          await start(partition);
        }
      }
      for (const partition of [...workers.keys()].slice(share)) {
        deps.logger.log(`${name} generation ${generation.generation}: giving partition ${partition} of ${partitions} back`);
        await giveBack(partition);
      }
      // The generation's checkpoint, in case a process died between a partition's commit and its roll-up.
      await rollUpPartitions(deps.db, name, generation.generation, deps.store.storeId);
      await abortableDelay(deps.claimIntervalMs, signal);
    }
    return 'stopped';
  } finally {
    for (const worker of workers.values()) worker.stop.abort();
    await Promise.all([...workers.values()].map((worker) => worker.done));
    for (const partition of workers.keys()) await claims.release(name, partition).catch(() => undefined);
  }
}
