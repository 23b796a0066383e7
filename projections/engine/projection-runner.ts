import type { Projection } from '../projection.js';
import { buildGeneration } from './build-generation.js';
import { abortableDelay, messageOf, retryDelayMs } from './delays.js';
import type { EngineDeps } from './engine-deps.js';
import { followGeneration } from './follow-generation.js';
import { assignWork, dropForgottenGenerations } from './generations.js';
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
        await followGeneration(deps, projection, work.generation, { signal });
        continue;
      }
      deps.logger.log(`${name}: building generation ${work.generation.generation} (${work.reason}); the active one keeps serving`);
      const built = await buildGeneration(deps, projection, work.generation, { signal, onProgress: progressLog(deps) });
      if (built.retired !== null) onRetired(built.retired);
    } catch (error) {
      const delayMs = retryDelayMs(deps.retryDelayMs, ++failures);
      deps.logger.error(`${name}: ${messageOf(error)}; trying again in ${delayMs} ms`);
      await abortableDelay(delayMs, signal);
    }
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
