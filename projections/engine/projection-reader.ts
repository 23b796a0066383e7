import type { Kysely } from 'kysely';
import type { LogPosition } from '../../libs/event-store/src/event-store.js';
import type { ProjectionReader as ProjectionReaderContract } from '../projection.js';
import type { EngineDeps } from './engine-deps.js';
import { ProjectionNotReadyError } from './errors.js';
import { ReadModelCache } from './read-model-cache.js';
import { schemaOf } from './generations.js';
import { readActive } from './registry.js';

/** A projection's active generation, as one report request reads it. */
export interface ProjectionReadModel<Tables> {
  /** Scoped to the active generation's schema: table names stay plain. */
  readonly db: Kysely<Tables>;
  /**
   * The checkpoint: every event up to it is folded in (a report's `asOfPosition`). A batch that
   * commits while the report runs its queries may show too: this is a lower bound.
   */
  readonly position: LogPosition | null;
  readonly generation: number;
  /** This generation's cache (a new generation starts with an empty one). */
  readonly cache: ReadModelCache;
}

/**
 * Read access to the projections' tables for reports. Each call looks up the active generation and
 * its checkpoint in the registry — one indexed row — so the position is current and a switch made by
 * any process is seen by the next request; the retired generation stays for a grace period for
 * requests that looked it up just before.
 */
export class ProjectionReader implements ProjectionReaderContract {
  /** Per projection: the cache of the generation last read. */
  readonly #caches = new Map<string, { readonly generation: number; readonly cache: ReadModelCache }>();

  constructor(
    private readonly deps: Pick<EngineDeps, 'db' | 'baseSchema'>,
    /** Throws for an unknown projection; resolves once the registry exists. */
    private readonly ready: (name: string) => Promise<void>,
  ) {}

  async reader<Tables = any>(name: string): Promise<ProjectionReadModel<Tables>> {
    await this.ready(name);
    const active = await readActive(this.deps.db, name);
    if (!active) throw new ProjectionNotReadyError(name);
    const schema = schemaOf(this.deps, { name, generation: active.generation });
    return { db: this.deps.db.withSchema(schema) as Kysely<Tables>, position: active.position, generation: active.generation, cache: this.#cacheOf(name, active.generation) };
  }

  #cacheOf(name: string, generation: number): ReadModelCache {
    const kept = this.#caches.get(name);
    if (kept && kept.generation === generation) return kept.cache;
    const cache = new ReadModelCache();
    // A request still reading the generation before a switch keeps its cache; later ones start anew.
    if (!kept || kept.generation < generation) this.#caches.set(name, { generation, cache });
    return cache;
  }
}
