import type { RebuildProgress } from '../../../projections/engine/rebuild-progress.js';

const BAR_WIDTH = 24;
/** On a terminal the line is redrawn in place; elsewhere (a log file) a new line every few seconds. */
const TTY_INTERVAL_MS = 100;
const LOG_INTERVAL_MS = 5_000;

/**
 * `rebuilding sessions → generation 3 [#########---------------]  38%  380000/1000000 events  24000 events/s  ETA 26 s`;
 * for several projections rebuilt in one pass, `rebuilding 8 projections [####…`.
 */
export function progressLine(progress: RebuildProgress): string {
  const { name, generation, done, total, eventsPerSecond, etaSeconds } = progress;
  const fraction = total === 0 ? 1 : Math.min(done / total, 1);
  const filled = Math.round(fraction * BAR_WIDTH);
  const bar = `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}]`;
  const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
  const eta = etaSeconds === null ? '' : `  ETA ${etaSeconds} s`;
  return `rebuilding ${name}${generation === null ? '' : ` → generation ${generation}`} ${bar} ${percent}  ${done}/${total} events  ${eventsPerSecond} events/s${eta}`;
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
    this.stream.write(this.#tty ? `\r${progressLine(progress)}\x1b[K` : `${progressLine(progress)}\n`);
    this.#open = this.#tty;
  }
}
