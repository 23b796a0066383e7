import { comparePositions, formatPosition, type LogPosition, type StoredEvent } from '../../libs/event-store/src/event-store.js';
import type { Projection } from '../projection.js';
import { analyzesAfter, buildGeneration, switchCaughtUp, type BuildOptions, type BuildResult } from './build-generation.js';
import { abortableDelay, messageOf, retryDelayMs } from './delays.js';
import type { EngineDeps } from './engine-deps.js';
import { describeOutside, foldDecodedBatch, type FoldTarget } from './fold-batch.js';
import { analyzeGenerationSchema } from './generation-schema.js';
import { schemaOf } from './generations.js';
import { HeadWatch } from './head-watch.js';
import { countEventsAfter } from './log-meter.js';
import { DecodedPage } from './decoded-page.js';
import { RebuildMeter } from './rebuild-progress.js';
import { readGeneration, recordFailure, type GenerationRecord } from './registry.js';

/** A projection and the building generation a pass fills. */
export interface PassMember {
  readonly projection: Projection;
  readonly generation: GenerationRecord;
}

/** A member the pass folds: where its checkpoint stands, as this pass committed it. */
interface Lane {
  readonly member: PassMember;
  readonly target: FoldTarget;
  position: LogPosition | null;
  batches: number;
}

/** A reader that found nothing new at a position short of the head waits this long before reading again. */
const EMPTY_PAGE_PAUSE_MS = 50;

/**
 * Fills several building generations from ONE read of the log: one keyset-paged reader (the next page
 * read while the current one folds), each page decoded once (`DecodedPage`) and handed to every
 * member; each member folds it with `foldDecodedBatch` — its rows and its checkpoint in one
 * transaction, as when it is rebuilt alone — so an interrupted pass resumes each member from its own
 * checkpoint (the reader starts at the earliest of them, and a member skips what it has already
 * folded). When every member has reached the head, each switches exactly as `buildGeneration` does.
 *
 * A member the pass cannot fold — its checkpoint refused (halted, another store, past the log's end),
 * moved back by another process, or a batch that failed — leaves the pass and is built alone by
 * `buildGeneration`, which reports and retries it as usual; the others go on.
 */
export async function buildGenerationsInOnePass(
  deps: EngineDeps,
  members: readonly PassMember[],
  options: BuildOptions,
): Promise<Map<string, BuildResult>> {
  const results = new Map<string, BuildResult>();
  const alone: Promise<void>[] = [];
  const buildAlone = (member: PassMember): void => {
    alone.push(buildAloneFromRegistry(deps, member, options).then((result) => void results.set(member.projection.name, result)));
  };
  const head = await deps.store.headPosition();
  const lanes: Lane[] = [];
  for (const member of members) {
    if (fitsPass(deps, member.generation, head)) lanes.push(laneOf(deps, member));
    else buildAlone(member);
  }
  if (lanes.length > 0) await new OnePass(deps, lanes, options, buildAlone).run(results);
  await Promise.all(alone);
  return results;
}

/** The pass takes a member whose checkpoint `followGeneration` would follow without a word; any other is built alone. */
function fitsPass(deps: EngineDeps, generation: GenerationRecord, head: LogPosition | null): boolean {
  const { halted, storeId, position } = generation;
  return halted === null && (storeId === null || storeId === deps.store.storeId) && comparePositions(position, head) <= 0;
}

function laneOf(deps: EngineDeps, member: PassMember): Lane {
  const { projection, generation } = member;
  return {
    member,
    target: { projection, generation: generation.generation, schema: schemaOf(deps, generation) },
    position: generation.position,
    batches: 0,
  };
}

/** A member left the pass: built alone from its checkpoint as the registry now has it. */
async function buildAloneFromRegistry(deps: EngineDeps, member: PassMember, options: BuildOptions): Promise<BuildResult> {
  const { name } = member.projection;
  const record = await readGeneration(deps.db, name, member.generation.generation);
  if (!record || record.status !== 'building') return { end: 'ended', retired: null };
  return buildGeneration(deps, member.projection, record, options);
}

class OnePass {
  #lanes: Lane[];

  constructor(
    private readonly deps: EngineDeps,
    lanes: readonly Lane[],
    private readonly options: BuildOptions,
    private readonly buildAlone: (member: PassMember) => void,
  ) {
    this.#lanes = [...lanes];
  }

  async run(results: Map<string, BuildResult>): Promise<void> {
    const { deps, options } = this;
    const start = this.#earliest();
    const first = this.#lanes.find((lane) => lane.position === start)!;
    const label = `${this.#lanes.length} projection${this.#lanes.length === 1 ? '' : 's'}`;
    const meter = new RebuildMeter(label, null, first.member.generation.eventsSeen, await countEventsAfter(deps, start));
    options.onProgress?.(meter.advance(0));
    const head = new HeadWatch(deps.store);
    const page = (after: LogPosition | null): Promise<StoredEvent[]> => {
      const read = deps.store.readAll({ after, limit: deps.rebuildBatchSize });
      // A read ahead may fail while a page folds, or be left behind when the pass ends: its failure is
      // reported where it is awaited, or nowhere.
      read.catch(() => undefined);
      return read;
    };
    let after = start;
    let next = page(after);
    for (let failures = 0; this.#lanes.length > 0 && !options.signal.aborted;) {
      try {
        if (await head.reached(this.#earliest())) break;
        const events = await next;
        failures = 0;
        if (events.length === 0) {
          // The head moved on after the read ahead was sent: read again from the same place.
          await abortableDelay(EMPTY_PAGE_PAUSE_MS, options.signal);
          next = page(after);
          continue;
        }
        after = events[events.length - 1].position;
        next = page(after);
        await this.#fold(new DecodedPage(events));
        options.onProgress?.(meter.advance(events.length));
      } catch (error) {
        // Reading the log failed (a batch's failure is its projection's, handled in #foldLane): nothing was folded from it.
        const delayMs = retryDelayMs(deps.retryDelayMs, ++failures);
        deps.logger.error(`one-pass rebuild: reading the log failed, retrying in ${delayMs} ms: ${messageOf(error)}`);
        await abortableDelay(delayMs, options.signal);
        next = page(after);
      }
    }
    for (const lane of this.#lanes) {
      results.set(
        lane.target.projection.name,
        options.signal.aborted ? { end: 'stopped', retired: null } : await switchCaughtUp(deps, lane.member.generation),
      );
    }
  }

  /** Hands the page to every lane; on PGlite (one connection) one after the other, on PostgreSQL side by side. */
  async #fold(page: DecodedPage): Promise<void> {
    if (page.outside.length > 0) this.#reportOutside(page.outside);
    if (this.deps.concurrentFolds) await Promise.all(this.#lanes.map((lane) => this.#foldLane(lane, page)));
    else for (const lane of [...this.#lanes]) await this.#foldLane(lane, page);
  }

  async #foldLane(lane: Lane, page: DecodedPage): Promise<void> {
    const batch = page.after(lane.position);
    if (batch.length === 0) return;
    const { projection, generation, schema } = lane.target;
    try {
      const outcome = await foldDecodedBatch(this.deps, lane.target, lane.position, batch, page.eventsFor(projection, batch));
      if (outcome.kind === 'moved' && comparePositions(outcome.position, lane.position) > 0) {
        this.deps.logger.warn(`${projection.name} generation ${generation}: folded by another process up to ${formatPosition(outcome.position)}`);
        lane.position = outcome.position;
        return;
      }
      if (outcome.kind !== 'committed') return this.#leave(lane, `its generation ${generation} was found ${outcome.kind}`);
      lane.position = outcome.position;
      lane.batches += 1;
      if (analyzesAfter(lane.batches)) await analyzeGenerationSchema(this.deps.db, schema);
    } catch (error) {
      const message = messageOf(error);
      await recordFailure(this.deps.db, projection.name, generation, message).catch(() => {});
      this.#leave(lane, `a batch failed (${message})`);
    }
  }

  #leave(lane: Lane, why: string): void {
    const { name } = lane.target.projection;
    this.deps.logger.warn(`${name}: ${why}; it leaves the one-pass rebuild and is rebuilt alone from its checkpoint`);
    this.#lanes = this.#lanes.filter((other) => other !== lane);
    this.buildAlone(lane.member);
  }

  /** The checkpoint furthest behind: where the reader stands. */
  #earliest(): LogPosition | null {
    return this.#lanes.map((lane) => lane.position).reduce((a, b) => (comparePositions(a, b) <= 0 ? a : b));
  }

  #reportOutside(events: readonly StoredEvent[]): void {
    this.deps.logger.warn(`one-pass rebuild: ${describeOutside(events)}`);
  }
}
