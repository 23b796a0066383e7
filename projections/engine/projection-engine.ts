import { Logger } from '@nestjs/common';
import { comparePositions, formatPosition, type EventStore, type LogPosition } from '../../libs/event-store/src/event-store.js';
import type { LedgerDatabase } from '../../libs/database/src/database.js';
import type { Projection, ProjectionContext } from '../projection.js';
import { buildGeneration } from './build-generation.js';
import { abortableDelay, messageOf } from './delays.js';
import type { EngineDeps, ProjectionLogger } from './engine-deps.js';
import { ProjectionsBehindError, UnknownProjectionError, type ProjectionBehind } from './errors.js';
import { assertProjectionMigrations, assertProjectionName } from './generation-schema.js';
import { beginRebuild, dropRetiredGeneration } from './generations.js';
import { ProjectionReader } from './projection-reader.js';
import { PartitionClaims } from './partition-claims.js';
import { progressLog, runProjection } from './projection-runner.js';
import { readStatus, type ProjectionStatus } from './projection-status.js';
import { buildGenerationsInOnePass } from './rebuild-pass.js';
import type { RebuildProgress } from './rebuild-progress.js';
import { databaseNow, readGenerations, type GenerationRecord } from './registry.js';

export interface ProjectionEngineOptions {
  readonly db: LedgerDatabase;
  readonly store: EventStore;
  readonly context: ProjectionContext;
  readonly logger?: ProjectionLogger;
  /** Most events folded per transaction (default 2,000). */
  readonly batchSize?: number;
  /** Most events folded per transaction by a rebuild (default 10,000; `batchSize` when only that is given). */
  readonly rebuildBatchSize?: number;
  /** First wait after a failed batch, doubling on each failure in a row (default 1 s). */
  readonly retryDelayMs?: number;
  /** How long a retired generation stays for reports still on it before it is dropped (default 5 s). */
  readonly retiredGraceMs?: number;
  /**
   * PROJECTOR_PARTITIONS: into how many partitions to split the partitionable projections, shared with
   * the other projector processes on the database (default 1: not split; PostgreSQL only).
   */
  readonly partitions?: number;
  /** How often a process sharing the projections claims or gives back partitions (default 500 ms). */
  readonly claimIntervalMs?: number;
}

export interface RebuildOptions {
  readonly onProgress?: (progress: RebuildProgress) => void;
  /** Called when the new generation of projection `name` is active, before the retired one's grace period. */
  readonly onSwitched?: (generation: number, retired: number | null, name: string) => void;
  readonly signal?: AbortSignal;
}

export interface RebuildResult {
  readonly name: string;
  readonly generation: number;
  /**
   * 'switched': the new generation is active (and the old one dropped); 'stopped': interrupted —
   * rebuilding again resumes it; 'superseded': another process switched or discarded it first.
   */
  readonly outcome: 'switched' | 'stopped' | 'superseded';
  readonly retired: number | null;
  readonly seconds: number;
}

const WAIT_POLL_MAX_MS = 100;

/**
 * The projection engine: runs the registered projections from the global log (`start`), rebuilds
 * one into a new generation while the active one serves (`rebuild`), reports where each stands
 * (`status`, `waitForPosition`) and gives reports their tables (`reader`).
 */
export class ProjectionEngine {
  readonly reader: ProjectionReader;
  readonly #deps: EngineDeps;
  readonly #projections = new Map<string, Projection>();
  readonly #stopping = new AbortController();
  readonly #work = new Set<Promise<unknown>>();
  readonly #rebuilds = new Map<string, Promise<RebuildResult>>();
  #started = false;

  constructor(options: ProjectionEngineOptions) {
    this.#deps = {
      db: options.db.kysely<unknown>(),
      baseSchema: options.db.schema,
      store: options.store,
      context: options.context,
      logger: options.logger ?? new Logger('Projections'),
      batchSize: options.batchSize ?? 2_000,
      rebuildBatchSize: options.rebuildBatchSize ?? options.batchSize ?? 10_000,
      concurrentFolds: options.db.kind === 'postgres',
      retryDelayMs: options.retryDelayMs ?? 1_000,
      retiredGraceMs: options.retiredGraceMs ?? 5_000,
      partitions: options.partitions ?? 1,
      claimIntervalMs: options.claimIntervalMs ?? 500,
      claims: new PartitionClaims({ db: options.db.kysely<unknown>(), baseSchema: options.db.schema }),
    };
    if (this.#deps.partitions > 1 && options.db.kind !== 'postgres') {
      throw new Error(`projector partitions (${this.#deps.partitions}) need PostgreSQL: the embedded store runs one process`);
    }
    this.reader = new ProjectionReader(this.#deps, (name) => this.#projection(name));
  }

  register(projection: Projection): void {
    assertProjectionName(projection.name);
    assertProjectionMigrations(projection);
    if (this.#started) throw new Error(`cannot register projection "${projection.name}": the engine is running`);
    if (this.#projections.has(projection.name)) throw new Error(`projection "${projection.name}" is registered twice`);
    this.#projections.set(projection.name, projection);
  }

  /** Whether this process folds the projections (started and not stopped). */
  get runsHere(): boolean {
    return this.#started && !this.#stopping.signal.aborted;
  }

  get names(): string[] {
    return [...this.#projections.keys()];
  }

  /** Runs every registered projection in the background until `stop`. */
  async start(): Promise<void> {
    if (this.#started || this.#stopping.signal.aborted) throw new Error('the projection engine runs once: create another one to run again');
    this.#started = true;
    const since = await databaseNow(this.#deps.db);
    for (const projection of this.#projections.values()) {
      this.#track(
        runProjection(this.#deps, projection, since, this.#stopping.signal, (retired) => {
          this.#track(this.#dropAfterGrace(projection.name, retired, this.#stopping.signal));
        }),
      );
    }
  }

  /** Stops running and rebuilding after the batches in flight, and waits for that. */
  async stop(): Promise<void> {
    this.#stopping.abort();
    await Promise.all([...this.#work]);
    await this.#deps.claims.close();
  }

  /**
   * Replays the whole log into a new generation while the active one keeps serving, follows the log
   * until caught up, switches, then drops the old generation. Resumes a rebuild left unfinished; while
   * one runs in this process, answers its outcome.
   */
  async rebuild(name: string, options: RebuildOptions = {}): Promise<RebuildResult> {
    const projection = this.#projection(name);
    return this.#rebuilds.get(name) ?? this.#launchRebuild(projection, options).done;
  }

  /**
   * Rebuilds several projections (default: every one) like `rebuild`, in ONE pass over the log
   * (`buildGenerationsInOnePass`): the log is read and decoded once for all of them. A projection
   * already rebuilding in this process is not read again: its rebuild's outcome is answered.
   * `onProgress` tells the pass's progress (`8 projections`). Answers in the order of `names`.
   */
  async rebuildTogether(names: readonly string[] = this.names, options: RebuildOptions = {}): Promise<RebuildResult[]> {
    const projections = [...new Set(names)].map((name) => this.#projection(name));
    void this.#launchTogether(projections, options);
    return Promise.all(projections.map((projection) => this.#rebuilds.get(projection.name)!));
  }

  /**
   * Starts rebuilding every projection in one pass in the background (those already rebuilding here
   * go on as they are) and answers each projection's status once its new generation exists.
   */
  async startRebuildTogether(): Promise<ProjectionStatus[]> {
    const begun = this.#launchTogether([...this.#projections.values()], { onProgress: progressLog(this.#deps) });
    await begun;
    const statuses = await this.status();
    return this.names.map((name) => {
      const own = statuses.filter((s) => s.name === name);
      return own.find((s) => s.status === 'building') ?? own[0];
    });
  }

  /** One pass for those of `projections` not rebuilding in this process yet; resolves once their generations exist. */
  #launchTogether(projections: readonly Projection[], options: RebuildOptions): Promise<unknown> {
    const joining = projections.filter((projection) => !this.#rebuilds.has(projection.name));
    if (joining.length === 0) return Promise.resolve();
    const begun = Promise.all(joining.map((projection) => beginRebuild(this.#deps, projection)));
    const done = begun.then((generations) => this.#completeTogether(joining, generations, options));
    for (const { name } of joining) {
      const one = done.then((results) => results.find((result) => result.name === name)!);
      this.#rebuilds.set(name, one);
      this.#track(one.finally(() => this.#rebuilds.delete(name)));
    }
    done.catch((error: unknown) => this.#deps.logger.error(`one-pass rebuild failed: ${messageOf(error)}`));
    return begun;
  }

  /** Starts a rebuild in the background (unless one runs already) and answers the new generation's status. */
  async startRebuild(name: string): Promise<ProjectionStatus> {
    const projection = this.#projection(name);
    if (!this.#rebuilds.has(name)) {
      const { begun, done } = this.#launchRebuild(projection, { onProgress: progressLog(this.#deps) });
      done.catch((error: unknown) => this.#deps.logger.error(`${name}: rebuild failed: ${messageOf(error)}`));
      await begun;
    }
    const statuses = (await this.status()).filter((s) => s.name === name);
    return statuses.find((s) => s.status === 'building') ?? statuses[0];
  }

  /** Resolves once the active generation of every registered projection has folded the log up to `position`. */
  async waitForPosition(position: LogPosition | null, timeoutMs: number): Promise<void> {
    if (position === null || this.#projections.size === 0) return;
    const deadline = Date.now() + timeoutMs;
    for (let pauseMs = 5; ; pauseMs = Math.min(pauseMs * 2, WAIT_POLL_MAX_MS)) {
      const behind = await this.#behind(position);
      if (behind.length === 0) return;
      if (Date.now() >= deadline) throw new ProjectionsBehindError(formatPosition(position) ?? '', timeoutMs, behind);
      if (this.#stopping.signal.aborted) throw new Error('the projection engine stopped while waiting for the projections');
      await abortableDelay(Math.min(pauseMs, deadline - Date.now()), this.#stopping.signal);
    }
  }

  async status(): Promise<ProjectionStatus[]> {
    return readStatus(this.#deps, [...this.#projections.values()]);
  }

  #projection(name: string): Projection {
    const projection = this.#projections.get(name);
    if (!projection) throw new UnknownProjectionError(name, this.names);
    return projection;
  }

  #launchRebuild(projection: Projection, options: RebuildOptions): { begun: Promise<GenerationRecord>; done: Promise<RebuildResult> } {
    const begun = beginRebuild(this.#deps, projection);
    const done = begun.then((generation) => this.#completeRebuild(projection, generation, options));
    this.#rebuilds.set(projection.name, done);
    this.#track(done.finally(() => this.#rebuilds.delete(projection.name)));
    return { begun, done };
  }

  async #completeRebuild(projection: Projection, generation: GenerationRecord, options: RebuildOptions): Promise<RebuildResult> {
    const startedAt = Date.now();
    const signal = options.signal ? AbortSignal.any([options.signal, this.#stopping.signal]) : this.#stopping.signal;
    this.#deps.logger.log(`${projection.name}: rebuilding into generation ${generation.generation}`);
    const built = await buildGeneration(this.#deps, projection, generation, { signal, onProgress: options.onProgress });
    if (built.end === 'switched') options.onSwitched?.(generation.generation, built.retired, projection.name);
    if (built.retired !== null) await this.#dropAfterGrace(projection.name, built.retired, signal);
    return {
      name: projection.name,
      generation: generation.generation,
      outcome: built.end === 'ended' ? 'superseded' : built.end,
      retired: built.retired,
      seconds: (Date.now() - startedAt) / 1000,
    };
  }

  async #completeTogether(
    projections: readonly Projection[],
    generations: readonly GenerationRecord[],
    options: RebuildOptions,
  ): Promise<RebuildResult[]> {
    const startedAt = Date.now();
    const signal = options.signal ? AbortSignal.any([options.signal, this.#stopping.signal]) : this.#stopping.signal;
    const members = projections.map((projection, i) => ({ projection, generation: generations[i] }));
    this.#deps.logger.log(
      `rebuilding ${members.map((m) => `${m.projection.name} into generation ${m.generation.generation}`).join(', ')} in one pass`,
    );
    const built = await buildGenerationsInOnePass(this.#deps, members, { signal, onProgress: options.onProgress });
    const seconds = (Date.now() - startedAt) / 1000;
    const results = members.map(({ projection: { name }, generation: { generation } }): RebuildResult => {
      const { end, retired } = built.get(name) ?? { end: 'stopped', retired: null };
      if (end === 'switched') options.onSwitched?.(generation, retired, name);
      return { name, generation, outcome: end === 'ended' ? 'superseded' : end, retired, seconds };
    });
    await Promise.all(results.map((r) => (r.retired === null ? undefined : this.#dropAfterGrace(r.name, r.retired, signal))));
    return results;
  }

  /** If interrupted, the next runner start drops it instead. */
  async #dropAfterGrace(name: string, generation: number, signal: AbortSignal): Promise<void> {
    await abortableDelay(this.#deps.retiredGraceMs, signal);
    if (!signal.aborted) await dropRetiredGeneration(this.#deps, name, generation);
  }

  async #behind(position: LogPosition): Promise<ProjectionBehind[]> {
    const active = (await readGenerations(this.#deps.db, this.names)).filter((g) => g.status === 'active');
    return this.names.flatMap((name) => {
      const generation = active.find((g) => g.name === name);
      if (generation && comparePositions(generation.position, position) >= 0) return [];
      return [{ name, position: formatPosition(generation?.position ?? null), lastError: generation?.lastError ?? null }];
    });
  }

  /** Keeps background work so that `stop` can wait for it; its failures are reported where it is awaited. */
  #track(work: Promise<unknown>): void {
    const settled = work.then(
      () => {},
      () => {},
    );
    this.#work.add(settled);
    void settled.then(() => this.#work.delete(settled));
  }
}
