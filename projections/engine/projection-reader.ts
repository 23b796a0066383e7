import type { LogPosition } from '../../libs/event-store/src/event-store.js';
import type { Projection, ProjectionReader as ProjectionReaderContract } from '../projection.js';
import type { EngineDeps } from './engine-deps.js';
import { ProjectionNotReadyError } from './errors.js';
import { ReadModelCache } from './read-model-cache.js';
import { readModelDb, type ReadModelDb } from './read-model-db.js';
import { tablesVersion } from './generation-schema.js';
import { schemaOf } from './generations.js';
import { readActive } from './registry.js';

/** A projection's active generation, as one report request reads it. */
export interface ProjectionReadModel<Tables> {
  /** The active generation's tables. */
  readonly db: ReadModelDb<Tables>;
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
 *
 * A generation built by an older version of the projection is read only while its tables are those
 * this code reads (no migration since its version); after a change of tables, the reports of that
 * projection answer "not ready" until the rebuild under the new version switches.
 */
export class ProjectionReader implements ProjectionReaderContract {
  /** Per projection: the cache of the generation last read. */
  readonly #caches = new Map<string, { readonly generation: number; readonly cache: ReadModelCache }>();

  constructor(
    private readonly deps: Pick<EngineDeps, 'db' | 'baseSchema'>,
    /** The registered projection of that name; throws for an unknown one. */
    private readonly projectionOf: (name: string) => Projection,
  ) {}

  async reader<Tables>(name: string): Promise<ProjectionReadModel<Tables>> {
    const projection = this.projectionOf(name);
    const active = await readActive(this.deps.db, name);
    if (!active) throw new ProjectionNotReadyError(name);
    const tables = tablesVersion(projection);
    if (active.version < tables) {
      throw new ProjectionNotReadyError(
        name,
        `is being rebuilt: its tables changed in version ${tables}, and the active generation ${active.generation} ` +
          `has those of version ${active.version}; its reports are back once the rebuild switches (ledger projections status)`,
      );
    }
    const schema = schemaOf(this.deps, { name, generation: active.generation });
    return {
      db: readModelDb<Tables>(this.deps.db, schema),
      position: active.position,
      generation: active.generation,
      cache: this.#cacheOf(name, active.generation),
    };
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
