import { sql, type Kysely } from 'kysely';
import type { Projection } from '../projection.js';
import type { EngineDeps } from './engine-deps.js';
import { NewerGenerationError } from './errors.js';
import { generationRules } from './generation-rules.js';
import { createGenerationSchema, dropGenerationSchema, generationSchema } from './generation-schema.js';
import { splitGeneration } from './partition-registry.js';
import {
  activateGeneration,
  deleteGeneration,
  insertGeneration,
  readGeneration,
  readGenerations,
  readRetiredBefore,
  type GenerationRecord,
  type GenerationStatus,
} from './registry.js';

/** What a runner does for a projection. */
export type Assignment =
  /** The active generation was built by this code under these rules: keep it up to date. */
  | { readonly kind: 'follow'; readonly generation: GenerationRecord }
  /** The active generation is stale (older version or other rules): fill this one, then switch to it. */
  | { readonly kind: 'build'; readonly generation: GenerationRecord; readonly reason: string }
  /** A generation comes from a newer version or configuration: this process must not touch it. */
  | { readonly kind: 'outdated'; readonly reason: string };

/** How a generation relates to this process: built by its code and rules, by older ones, or by newer ones. */
type Fit = 'current' | 'stale' | 'newer';

/**
 * First start: creates generation 1, active (replacing a generation left building before any was
 * active). Version bump or rule change: a building generation beside the active one. `since` is when
 * this process started: a generation set up later under other rules comes from a newer configuration.
 */
export function assignWork(deps: EngineDeps, projection: Projection, since: Date): Promise<Assignment> {
  return withLifecycleLock(deps, projection.name, async (trx) => {
    const generations = await readGenerations(trx, [projection.name]);
    const { active, building } = liveGenerations(generations);
    const newer = [active, building].find((g) => g && fitOf(deps, projection, g, since) === 'newer');
    if (newer) return { kind: 'outdated', reason: newerReason(deps, projection, newer) };
    if (!active) {
      if (building) await discardGeneration(trx, deps, building);
      return { kind: 'follow', generation: await createGeneration(trx, deps, projection, nextGeneration(generations), 'active') };
    }
    if (fitOf(deps, projection, active) === 'current') return { kind: 'follow', generation: active };
    const reason =
      active.version === projection.version
        ? `rules ${active.rules} → ${generationRules(projection, deps.context)}`
        : `version ${active.version} → ${projection.version}`;
    if (building && fitOf(deps, projection, building) === 'current') return { kind: 'build', generation: building, reason };
    if (building) await discardGeneration(trx, deps, building);
    return { kind: 'build', generation: await createGeneration(trx, deps, projection, nextGeneration(generations), 'building'), reason };
  });
}

/** `rebuild NAME`: a new building generation, or the one already building under the same version and rules (resumed). */
export function beginRebuild(deps: EngineDeps, projection: Projection): Promise<GenerationRecord> {
  return withLifecycleLock(deps, projection.name, async (trx) => {
    const generations = await readGenerations(trx, [projection.name]);
    const { active, building } = liveGenerations(generations);
    const newer = [active, building].find((g) => g && fitOf(deps, projection, g) === 'newer');
    if (newer) throw new NewerGenerationError(projection.name, newer.generation, newer.version, projection.version);
    if (building && fitOf(deps, projection, building) === 'current') return building;
    if (building) await discardGeneration(trx, deps, building);
    return createGeneration(trx, deps, projection, nextGeneration(generations), 'building');
  });
}

/**
 * The active generation split into `deps.partitions` partitions (partition-registry.ts), or as it
 * is when it was split already, or is no longer active.
 */
export async function splitActiveGeneration(deps: EngineDeps, generation: GenerationRecord): Promise<GenerationRecord> {
  if (generation.partitions !== null) return generation;
  return withLifecycleLock(deps, generation.name, async (trx) => {
    const current = await readGeneration(trx, generation.name, generation.generation);
    if (current?.status !== 'active' || current.partitions !== null) return current ?? generation;
    const partitions = await splitGeneration(trx, current, deps.partitions);
    deps.logger.log(`${generation.name}: generation ${generation.generation} split into ${partitions} partitions, shared by the projector processes`);
    return { ...current, partitions };
  });
}

/** Makes a caught-up building generation the active one, retiring the old one in the same transaction. */
export function switchToGeneration(deps: EngineDeps, name: string, generation: number): Promise<{ switched: boolean; retired: number | null }> {
  return withLifecycleLock(deps, name, (trx) => activateGeneration(trx, name, generation));
}

/** Drops a retired generation's schema and forgets it. */
export function dropRetiredGeneration(deps: EngineDeps, name: string, generation: number): Promise<void> {
  return withLifecycleLock(deps, name, async (trx) => {
    const record = await readGeneration(trx, name, generation);
    if (record?.status === 'retired') await discardGeneration(trx, deps, record);
  });
}

/** Drops the generations retired long enough ago whose drop a stopped process left undone. */
export async function dropForgottenGenerations(deps: EngineDeps, name: string): Promise<void> {
  for (const generation of await readRetiredBefore(deps.db, name, deps.retiredGraceMs)) {
    await dropRetiredGeneration(deps, name, generation);
  }
}

export function schemaOf(deps: Pick<EngineDeps, 'baseSchema'>, generation: Pick<GenerationRecord, 'name' | 'generation'>): string {
  return generationSchema(deps.baseSchema, generation.name, generation.generation);
}

/** Serialises the lifecycle steps of one projection across processes; batches take a lock of their own. */
function withLifecycleLock<T>(deps: EngineDeps, name: string, work: (trx: Kysely<unknown>) => Promise<T>): Promise<T> {
  return deps.db.transaction().execute(async (trx) => {
    await sql`SELECT pg_advisory_xact_lock(hashtext(${`license-ledger:projection-lifecycle:${deps.baseSchema}:${name}`}))`.execute(trx);
    return work(trx);
  });
}

function liveGenerations(generations: readonly GenerationRecord[]): { active?: GenerationRecord; building?: GenerationRecord } {
  return { active: generations.find((g) => g.status === 'active'), building: generations.find((g) => g.status === 'building') };
}

/**
 * With `since`, a generation of this version set up after this process started under other rules
 * counts as newer: of two processes configured differently, the one started last wins, instead of
 * each rebuilding after the other.
 */
function fitOf(deps: EngineDeps, projection: Projection, generation: GenerationRecord, since?: Date): Fit {
  if (generation.version > projection.version) return 'newer';
  if (generation.version < projection.version) return 'stale';
  if (generation.rules === generationRules(projection, deps.context)) return 'current';
  return since && generation.startedAt > since ? 'newer' : 'stale';
}

function newerReason(deps: EngineDeps, projection: Projection, generation: GenerationRecord): string {
  const { generation: n, version, rules } = generation;
  return version > projection.version
    ? `generation ${n} was built by version ${version}, newer than this installation's version ${projection.version}`
    : `generation ${n} was set up after this process started, under other rules (${rules}; here ${generationRules(projection, deps.context)})`;
}

function nextGeneration(generations: readonly GenerationRecord[]): number {
  return Math.max(0, ...generations.map((g) => g.generation)) + 1;
}

async function createGeneration(
  trx: Kysely<unknown>,
  deps: EngineDeps,
  projection: Projection,
  generation: number,
  status: GenerationStatus,
): Promise<GenerationRecord> {
  const { name, version } = projection;
  await createGenerationSchema(trx, schemaOf(deps, { name, generation }), projection);
  await insertGeneration(trx, { name, generation, version, rules: generationRules(projection, deps.context), status });
  deps.logger.log(`${name}: generation ${generation} created (${status}, version ${version})`);
  const created = await readGeneration(trx, name, generation);
  if (!created) throw new Error(`projection "${name}" generation ${generation} vanished right after its creation`);
  return created;
}

async function discardGeneration(trx: Kysely<unknown>, deps: EngineDeps, generation: GenerationRecord): Promise<void> {
  await deleteGeneration(trx, generation.name, generation.generation);
  await dropGenerationSchema(trx, schemaOf(deps, generation));
  deps.logger.log(`${generation.name}: generation ${generation.generation} (${generation.status}, version ${generation.version}) dropped`);
}
