import type { Projection } from '../projection.js';
import type { EngineDeps } from './engine-deps.js';
import { followGeneration } from './follow-generation.js';
import { HeadWatch } from './head-watch.js';
import { analyzeGenerationSchema } from './generation-schema.js';
import { schemaOf, switchToGeneration } from './generations.js';
import { countEventsAfter } from './log-meter.js';
import { RebuildMeter, type RebuildProgress } from './rebuild-progress.js';
import type { GenerationRecord } from './registry.js';

export interface BuildOptions {
  readonly signal: AbortSignal;
  readonly onProgress?: (progress: RebuildProgress) => void;
}

export interface BuildResult {
  /** 'switched': the generation is now active; 'ended': someone else switched or discarded it. */
  readonly end: 'switched' | 'stopped' | 'ended';
  /** The generation the switch retired, if there was an active one. */
  readonly retired: number | null;
}

/**
 * Fills a building generation from its checkpoint up to the head of the log, following the log
 * until it has caught up, then makes it the active generation (the old one keeps serving until then).
 */
export async function buildGeneration(
  deps: EngineDeps,
  projection: Projection,
  generation: GenerationRecord,
  { signal, onProgress }: BuildOptions,
): Promise<BuildResult> {
  const { name } = projection;
  const meter = new RebuildMeter(name, generation.generation, generation.eventsSeen, await countEventsAfter(deps, generation.position));
  onProgress?.(meter.advance(0));
  const head = new HeadWatch(deps.store);
  const schema = schemaOf(deps, generation);
  // Statistics after batches 1, 2, 4, 8, …: a growing generation planned from none (an empty table)
  // joins its lookups by scanning whole tables; a few ANALYZEs keep them index lookups.
  let batches = 0;
  const end = await followGeneration(deps, projection, generation, {
    signal,
    until: (position) => head.reached(position),
    onBatch: async (events) => {
      onProgress?.(meter.advance(events));
      batches += 1;
      if (analyzesAfter(batches)) await analyzeGenerationSchema(deps.db, schema);
    },
    batchSize: deps.rebuildBatchSize,
  });
  if (end !== 'caught-up') return { end, retired: null };
  return switchCaughtUp(deps, generation);
}

/** A caught-up building generation: fresh statistics for its tables, then the switch (the old one retired). */
export async function switchCaughtUp(deps: EngineDeps, generation: Pick<GenerationRecord, 'name' | 'generation'>): Promise<BuildResult> {
  const { name } = generation;
  await analyzeGenerationSchema(deps.db, schemaOf(deps, generation));
  const { switched, retired } = await switchToGeneration(deps, name, generation.generation);
  if (switched) deps.logger.log(`${name}: generation ${generation.generation} is active${retired === null ? '' : `, generation ${retired} retired`}`);
  return { end: switched ? 'switched' : 'ended', retired };
}

/** Statistics after batches 1, 2, 4, 8, … of a growing generation (see `buildGeneration`). */
export function analyzesAfter(batches: number): boolean {
  return (batches & (batches - 1)) === 0;
}
