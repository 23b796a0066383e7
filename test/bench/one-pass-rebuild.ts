import { withLedger } from '../../apps/cli/src/ledger-context.js';
import type { EventStore, LogPosition } from '../../libs/event-store/src/event-store.js';
import { decodeStoredEvents } from '../../libs/event-store/src/stored-ledger-event.js';
import { loadConfig } from '../../libs/platform/src/config.js';
import { EVENT_STORE } from '../../libs/platform/src/tokens.js';
import { log, round, runNode, ticker, type Backend, type BenchStore } from './bench-support.js';

/**
 * The one-pass rebuild (`ledger projections rebuild` with no name) and the peer it is measured
 * against: the log read raw, page by page with the store's keyset reader, as the pass reads it.
 */

export interface OnePassRebuild {
  /** The engine's own time for the pass (as each projection's line prints it), start-up excluded. */
  readonly seconds: number;
  /** Log events per second of the pass: the whole read side brought to the log's end. */
  readonly eventsPerSecond: number;
  readonly wallSeconds: number;
  readonly peakRssMiB: number | null;
}

export interface RawLogRead {
  /** Page size: the rebuild's (REBUILD_BATCH_SIZE, default 10,000). */
  readonly pageSize: number;
  readonly readSeconds: number;
  /** `readAll` pages only: the ceiling of any reader of this log. */
  readonly eventsPerSecond: number;
  /** The same pages decoded (`decodeStoredEvents`), as the pass decodes them once. */
  readonly decodeSeconds: number;
  readonly readAndDecodeEventsPerSecond: number;
}

const PASS_LINE = /: generation \d+ active.* \((\d+(?:\.\d+)?) s\)$/;
const REBUILD_PAGE = 10_000;

/** `ledger projections rebuild` (every projection, one pass) in a child process; its progress lines passed on. */
export async function rebuildInOnePass(store: BenchStore, backend: Backend, events: number, timeoutMs: number): Promise<OnePassRebuild> {
  const label = `rebuild-${backend} one pass`;
  let seconds = 0;
  const errors: string[] = [];
  const started = performance.now();
  const exit = await runNode(['bin/ledger.js', 'projections', 'rebuild'], {
    env: store.env,
    timeoutMs,
    onStdoutLine: (line) => {
      const match = PASS_LINE.exec(line);
      if (match) seconds = Math.max(seconds, Number(match[1]));
    },
    onStderrLine: (line) => {
      if (line.startsWith('rebuilding ')) log(label, line.slice('rebuilding '.length));
      else if (line.trim() !== '' && !line.includes('is active; dropping generation')) errors.push(line);
    },
  }).exited;
  const wallSeconds = (performance.now() - started) / 1000;
  if (exit.code !== 0 || seconds === 0) throw new Error(`${label}: exited with ${exit.code ?? exit.signal}\n${errors.slice(-10).join('\n')}`);
  const result = { seconds, eventsPerSecond: Math.round(events / seconds), wallSeconds: round(wallSeconds), peakRssMiB: exit.peakRssMiB };
  log(label, `${seconds} s: ${result.eventsPerSecond} log events/s, peak RSS ${exit.peakRssMiB ?? '?'} MiB`);
  return result;
}

/** Reads the whole log page by page (`readAll`, keyset), timing the reads and, apart, decoding each page. */
export async function readLogRaw(store: BenchStore, backend: Backend): Promise<RawLogRead> {
  const label = `rebuild-${backend} raw read`;
  return withLedger(loadConfig(store.env), async (_gateway, context) => {
    const eventStore = context.get<EventStore>(EVENT_STORE);
    let events = 0;
    let readMs = 0;
    let decodeMs = 0;
    const stop = ticker(() => log(label, `${events} events…`), 10_000);
    try {
      for (let after: LogPosition | null = null; ;) {
        const t = performance.now();
        const page = await eventStore.readAll({ after, limit: REBUILD_PAGE });
        readMs += performance.now() - t;
        if (page.length === 0) break;
        const d = performance.now();
        decodeStoredEvents(page);
        decodeMs += performance.now() - d;
        events += page.length;
        after = page[page.length - 1].position;
      }
    } finally {
      stop();
    }
    const result: RawLogRead = {
      pageSize: REBUILD_PAGE,
      readSeconds: round(readMs / 1000),
      eventsPerSecond: Math.round(events / (readMs / 1000)),
      decodeSeconds: round(decodeMs / 1000),
      readAndDecodeEventsPerSecond: Math.round(events / ((readMs + decodeMs) / 1000)),
    };
    log(label, `${events} events: ${result.eventsPerSecond} events/s read, ${result.readAndDecodeEventsPerSecond} events/s read and decoded`);
    return result;
  });
}
