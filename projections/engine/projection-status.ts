import { formatPosition } from '../../libs/event-store/src/event-store.js';
import type { Projection } from '../projection.js';
import type { EngineDeps } from './engine-deps.js';
import { generationRules } from './generation-rules.js';
import { countEventsAfter, secondsBehind } from './log-meter.js';
import { readGenerations, type GenerationRecord } from './registry.js';

/** One live generation of a projection (or the projection, before any generation exists). */
export interface ProjectionStatus {
  readonly name: string;
  /** The projection's version in this installation. */
  readonly version: number;
  readonly generation: number | null;
  /** The version the generation is built by: older than `version` until a bump's rebuild switches. */
  readonly generationVersion: number | null;
  readonly status: 'active' | 'building' | 'not-started';
  /** The last event folded in (`commit/prepare`), null before the first batch. */
  readonly position: string | null;
  /** Events in the log after `position` (on EventStoreDB counted up to 10,000). */
  readonly lagEvents: number;
  /** Seconds since the oldest event not yet folded in was recorded; 0 when caught up. */
  readonly lagSeconds: number;
  readonly eventsFolded: number;
  /** Events of the log read into the generation (folded or not): a rebuild's progress. */
  readonly eventsSeen: number;
  /**
   * The configured rules the generation was built with, those its projection depends on (e.g.
   * `{ activityActions: null }`); before the first start, those it would be built with.
   */
  readonly rules: Readonly<Record<string, unknown>>;
  /** Why the last batch failed, until one succeeds. */
  readonly lastError: string | null;
  readonly updatedAt: string | null;
}

/** The active and building generations of each projection, with their lag. */
export async function readStatus(deps: EngineDeps, projections: readonly Projection[]): Promise<ProjectionStatus[]> {
  const generations = await readGenerations(deps.db, projections.map((p) => p.name));
  const now = Date.now();
  return Promise.all(projections.flatMap((projection) => {
    const live = generations.filter((g) => g.name === projection.name && g.status !== 'retired');
    return live.length === 0 ? [notStarted(deps, projection, now)] : live.map((g) => generationStatus(deps, projection, g, now));
  }));
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
