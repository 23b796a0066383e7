import { formatPosition } from '../../libs/event-store/src/event-store.js';
import type { ProjectionStatus } from '../../libs/contracts/src/index.js';
import type { Projection } from '../projection.js';
import type { EngineDeps } from './engine-deps.js';
import { generationRules } from './generation-rules.js';
import { countEventsAfter, secondsBehind } from './log-meter.js';
import { readGenerations, type GenerationRecord } from './registry.js';

export type { ProjectionStatus } from '../../libs/contracts/src/index.js';

/** The active and building generations of each projection, with their lag. */
export async function readStatus(deps: EngineDeps, projections: readonly Projection[]): Promise<ProjectionStatus[]> {
  const generations = await readGenerations(
    deps.db,
    projections.map((p) => p.name),
  );
  const now = Date.now();
  return Promise.all(
    projections.flatMap((projection) => {
      const live = generations.filter((g) => g.name === projection.name && g.status !== 'retired');
      return live.length === 0 ? [notStarted(deps, projection, now)] : live.map((g) => generationStatus(deps, projection, g, now));
    }),
  );
}

async function generationStatus(deps: EngineDeps, projection: Projection, generation: GenerationRecord, now: number): Promise<ProjectionStatus> {
  return {
    name: projection.name,
    version: projection.version,
    generation: generation.generation,
    generationVersion: generation.version,
    status: generation.status === 'building' ? 'building' : 'active',
    position: formatPosition(generation.position),
    lagEvents: await countEventsAfter(deps, generation.position),
    lagSeconds: await secondsBehind(deps, generation.position, now),
    eventsFolded: generation.eventsFolded,
    eventsSeen: generation.eventsSeen,
    rules: JSON.parse(generation.rules) as Record<string, unknown>,
    lastError: generation.lastError,
    updatedAt: generation.updatedAt.toISOString(),
  };
}

async function notStarted(deps: EngineDeps, projection: Projection, now: number): Promise<ProjectionStatus> {
  return {
    name: projection.name,
    version: projection.version,
    generation: null,
    generationVersion: null,
    status: 'not-started',
    position: null,
    lagEvents: await countEventsAfter(deps, null),
    lagSeconds: await secondsBehind(deps, null, now),
    eventsFolded: 0,
    eventsSeen: 0,
    rules: JSON.parse(generationRules(projection, deps.context)) as Record<string, unknown>,
    lastError: null,
    updatedAt: null,
  };
}
