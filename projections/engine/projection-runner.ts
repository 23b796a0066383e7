import type { Projection } from '../projection.js';
import { buildGeneration } from './build-generation.js';
import { abortableDelay, messageOf, retryDelayMs } from './delays.js';
import type { EngineDeps } from './engine-deps.js';
import { followGeneration } from './follow-generation.js';
import { followPartitions } from './follow-partitions.js';
import { assignWork, dropForgottenGenerations, splitActiveGeneration } from './generations.js';
import { WHOLE_PROJECTION } from './partition-claims.js';
import { describeProgress, type RebuildProgress } from './rebuild-progress.js';

const PROGRESS_LOG_INTERVAL_MS = 10_000;

/**
 * Keeps one projection up to date until `signal` aborts: follows its active generation; when the
 * code's version (or rules) moved on, builds a new generation in the background, switches to it and
 * follows that one. `since`: when this process started (see `assignWork`). `onRetired` is told of
 * every generation a switch retired, to drop it later.
 */
export async function runProjection(
  deps: EngineDeps,
  projection: Projection,
  since: Date,
  signal: AbortSignal,
  onRetired: (generation: number) => void,
): Promise<void> {
  const { name } = projection;
  for (let failures = 0; !signal.aborted;) {
    try {
      await dropForgottenGenerations(deps, name);
      const work = await assignWork(deps, projection, since);
      failures = 0;
      if (work.kind === 'outdated') {
        deps.logger.warn(`${name}: ${work.reason}: not running it here`);
        return;
      }
      if (work.kind === 'follow') {
        const generation = deps.partitions > 1 && projection.partitionable ? await splitActiveGeneration(deps, work.generation) : work.generation;
        if (generation.partitions !== null) await followPartitions(deps, projection, generation, deps.claims, signal);
        else await asSoleRunner(deps, name, signal, () => followGeneration(deps, projection, generation, { signal }));
        continue;
      }
      await asSoleRunner(deps, name, signal, async () => {
        deps.logger.log(`${name}: building generation ${work.generation.generation} (${work.reason}); the active one keeps serving`);
        const built = await buildGeneration(deps, projection, work.generation, { signal, onProgress: progressLog(deps) });
        if (built.retired !== null) onRetired(built.retired);
      });
    } catch (error) {
      const delayMs = retryDelayMs(deps.retryDelayMs, ++failures);
      deps.logger.error(`${name}: ${messageOf(error)}; trying again in ${delayMs} ms`);
      await abortableDelay(delayMs, signal);
    }
  }
}

/**
 * Runs `work` on the whole projection. A process sharing the projections with others
 * (`deps.partitions` > 1) does so only while it holds the projection's whole claim, so that one of
 * them folds a global projection, or builds a new generation, at a time; the others wait for the
 * claim (and take it over when its holder dies). A process on its own just runs it.
 */
async function asSoleRunner(deps: EngineDeps, name: string, signal: AbortSignal, work: () => Promise<unknown>): Promise<void> {
  if (deps.partitions <= 1) {
    await work();
    return;
  }
  if (!(await deps.claims.claim(name, WHOLE_PROJECTION))) {
    await abortableDelay(deps.claimIntervalMs, signal);
    return;
  }
  try {
    await work();
  } finally {
    await deps.claims.release(name, WHOLE_PROJECTION).catch(() => undefined);
  }
}

/** Logs a rebuild's progress every 10 s. */
export function progressLog(deps: EngineDeps): (progress: RebuildProgress) => void {
  let loggedAt = 0;
  return (progress) => {
    if (Date.now() - loggedAt < PROGRESS_LOG_INTERVAL_MS) return;
    loggedAt = Date.now();
    deps.logger.log(`rebuilding ${describeProgress(progress)}`);
  };
}
