/** Where a rebuild stands, after each batch. */
export interface RebuildProgress {
  /** The projection — or, for several rebuilt in one pass, `8 projections`. */
  readonly name: string;
  /** The generation being built; null for several rebuilt in one pass. */
  readonly generation: number | null;
  /** Events read into the new generation so far. */
  readonly done: number;
  /** Events in the log up to the head (grows if the log does while rebuilding). */
  readonly total: number;
  readonly eventsPerSecond: number;
  /** Estimated seconds to the head; null until there is a rate to go by. */
  readonly etaSeconds: number | null;
}

/** Counts a rebuild's events against the log's size and measures its rate. */
export class RebuildMeter {
  readonly #startedAt: number;
  readonly #doneAtStart: number;
  #done: number;
  #total: number;

  constructor(
    private readonly name: string,
    private readonly generation: number | null,
    done: number,
    remaining: number,
    private readonly now: () => number = Date.now,
  ) {
    this.#startedAt = now();
    this.#doneAtStart = done;
    this.#done = done;
    this.#total = done + remaining;
  }

  advance(events: number): RebuildProgress {
    this.#done += events;
    this.#total = Math.max(this.#total, this.#done);
    const seconds = (this.now() - this.#startedAt) / 1000;
    const rate = seconds > 0 ? (this.#done - this.#doneAtStart) / seconds : 0;
    return {
      name: this.name,
      generation: this.generation,
      done: this.#done,
      total: this.#total,
      eventsPerSecond: Math.round(rate),
      etaSeconds: rate > 0 ? Math.ceil((this.#total - this.#done) / rate) : null,
    };
  }
}

/** `sessions generation 3: 45% (450000/1000000 events, 23000 events/s, ETA 24 s)`; `8 projections: 45% (…)` for a pass. */
export function describeProgress(progress: RebuildProgress): string {
  const { name, generation, done, total, eventsPerSecond, etaSeconds } = progress;
  const percent = total === 0 ? 100 : Math.floor((done / total) * 100);
  const eta = etaSeconds === null ? '' : `, ETA ${etaSeconds} s`;
  return `${name}${generation === null ? '' : ` generation ${generation}`}: ${percent}% (${done}/${total} events, ${eventsPerSecond} events/s${eta})`;
}
