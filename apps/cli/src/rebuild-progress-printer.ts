import type { RebuildProgress } from '../../../projections/engine/rebuild-progress.js';

const BAR_WIDTH = 24;
/** On a terminal the line is redrawn in place; elsewhere (a log file) a new line every few seconds. */
const TTY_INTERVAL_MS = 100;
const LOG_INTERVAL_MS = 5_000;

/** One rebuild among several (`projections rebuild` with no name): the `index`-th (from 0) of `count`. */
export interface RebuildStep {
  readonly index: number;
  readonly count: number;
}

/**
 * `rebuilding sessions → generation 3 [#########---------------]  38%  380000/1000000 events  24000 events/s  ETA 26 s`;
 * as a step of several, prefixed `[2/6]` and followed by the whole run's percentage and ETA (the
 * projections still to come assumed to take as long as this one).
 */
export function progressLine(progress: RebuildProgress, step?: RebuildStep): string {
  const { name, generation, done, total, eventsPerSecond, etaSeconds } = progress;
  const fraction = total === 0 ? 1 : Math.min(done / total, 1);
  const filled = Math.round(fraction * BAR_WIDTH);
  const bar = `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}]`;
  const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
  const eta = etaSeconds === null ? '' : `  ETA ${etaSeconds} s`;
  const line = `rebuilding ${name} → generation ${generation} ${bar} ${percent}  ${done}/${total} events  ${eventsPerSecond} events/s${eta}`;
  if (step === undefined || step.count <= 1) return line;
  const later = step.count - step.index - 1;
  const overall = Math.floor(((step.index + fraction) / step.count) * 100);
  const overallEta = etaSeconds === null || eventsPerSecond <= 0 ? '' : `, ETA ${etaSeconds + Math.round((later * total) / eventsPerSecond)} s`;
  return `[${step.index + 1}/${step.count}] ${line}  (all: ${overall}%${overallEta})`;
}

/** Writes a rebuild's progress to stderr, at a readable pace. */
export class RebuildProgressPrinter {
  readonly #tty: boolean;
  /** The latest progress, until it is printed. */
  #pending: RebuildProgress | null = null;
  #printedAt = 0;
  #open = false;

  constructor(
    private readonly stream: { write(text: string): unknown; isTTY?: boolean },
    private readonly now: () => number = Date.now,
    private readonly step?: RebuildStep,
  ) {
    this.#tty = stream.isTTY === true;
  }

  update(progress: RebuildProgress): void {
    this.#pending = progress;
    if (this.now() - this.#printedAt >= (this.#tty ? TTY_INTERVAL_MS : LOG_INTERVAL_MS)) this.#print(progress);
  }

  /** Prints the latest progress if it was not shown yet, and ends the line. */
  finish(): void {
    if (this.#pending) this.#print(this.#pending);
    if (this.#open) this.stream.write('\n');
    this.#open = false;
  }

  #print(progress: RebuildProgress): void {
    this.#pending = null;
    this.#printedAt = this.now();
    this.stream.write(this.#tty ? `\r${progressLine(progress, this.step)}\x1b[K` : `${progressLine(progress, this.step)}\n`);
    this.#open = this.#tty;
  }
}
