import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { EventStore, LogPosition } from '../../../libs/event-store/src/event-store.js';
import { EVENT_STORE } from '../../../libs/platform/src/tokens.js';
import type { CommandGateway } from '../../../libs/ledger/src/command-gateway.js';
import {
  describeMalformedLine,
  importNdjson,
  type ImportProgress,
  type ImportResult,
  type ImportSummary,
} from '../../../libs/ledger/src/import/ndjson-import.js';
import { Command } from 'commander';
import { answer } from './command-kit.js';
import { DomainError } from '../../../libs/domain/src/errors.js';
import { serviceConfig } from '../../../libs/platform/src/config.js';
import { currentRequestId } from '../../../libs/observability/src/logger.js';
import { EXIT } from './exit-codes.js';
import type { LedgerAccess } from './ledger-access.js';
import { waitForProjections } from './projections-command.js';
import type { Output } from './output.js';
import { PositionTrackingGateway } from './position-tracking-gateway.js';

/** Imports with at least this many commands report their progress, and files of at least this many bytes their validation. */
const LONG_IMPORT = 10_000;
const LONG_IMPORT_BYTES = 1024 * 1024;
const PROGRESS_INTERVAL_MS = 1_000;

export interface ImportFileOptions {
  readonly chunkSize?: number;
  readonly now?: () => number;
  /** Called once the file is applied, with the position of the last event it appended; resolves when the projections have caught up. */
  readonly waitForProjections?: (appended: LogPosition | null) => Promise<void>;
  /**
   * Opens the file's bytes from the start (called twice: to validate, then to apply), when they come
   * from elsewhere (a command sent to a running server); default: read `file`.
   */
  readonly open?: () => AsyncIterable<Uint8Array>;
  /** The file's size, for the validation's progress; default: the size of `file` when it is read from disk. */
  readonly sizeBytes?: number;
  /** `IMPORT_MAX_LINE_BYTES`. */
  readonly maxLineBytes?: number;
  /** Called once the file is applied, before the projections are waited for: the event store's `refreshStatistics`. */
  readonly afterApply?: () => Promise<void>;
}

/** Where `ledger import` reads the file, from its start on each call: the path itself, unless the bytes were sent with the command. */
export type ImportSource = (file: string) => AsyncIterable<Uint8Array>;

/**
 * `ledger import FILE.ndjson [--no-wait]` (SPEC §6): see `importFile`. With the projections run in
 * this process while it applies, it answers once they have caught up (unless --no-wait).
 */
export function importCommand(out: Output, ledger: () => LedgerAccess, source?: ImportSource): Command {
  const command = new Command('import')
    .summary('validate an NDJSON file of commands, then apply them in order; print a JSON summary')
    .description(
      'Validate every line of FILE (one command a line, SPEC §3), then apply them in order. A malformed line: exit 2, every bad line ' +
        'named, nothing applied. Rejected commands are reported per line and the rest applied (exit 3 if any). The last line printed is the ' +
        'summary {accepted, rejected, errors: [{line, code, message}]}, once the projections have caught up.',
    )
    .argument('<FILE.ndjson>', 'the commands, one JSON object a line')
    .option('--no-wait', 'print the summary at once, without waiting for the projections to catch up');
  return answer(command, async (self) => {
    const file = self.processedArgs[0] as string;
    const { wait } = self.opts<{ wait: boolean }>();
    const access = ledger();
    return access.open(
      ({ gateway, context }) =>
        importFile(file, gateway, out, {
          open: source && (() => source(file)),
          afterApply: () => refreshStatistics(context.get<EventStore>(EVENT_STORE)),
          maxLineBytes: serviceConfig(access.config).importMaxLineBytes,
          waitForProjections: wait ? (appended) => waitForProjections(context, appended, out) : undefined,
        }),
      { runProjections: wait },
    );
  });
}

/**
 * `ledger import FILE.ndjson` (SPEC §6): malformed lines → every one on stderr, nothing applied,
 * exit 2; otherwise applies the file and prints the JSON summary as the last line of stdout,
 * exit 3 if the ledger rejected any command. With `waitForProjections`, the summary comes once the
 * projections have caught up with what the file appended (exit 1 if they cannot).
 */
export async function importFile(file: string, gateway: CommandGateway, out: Output, options: ImportFileOptions = {}): Promise<number> {
  const tracking = new PositionTrackingGateway(gateway);
  const open = options.open ?? (() => createReadStream(file));
  const sizeBytes = options.sizeBytes ?? (options.open ? undefined : (await stat(file)).size);
  const now = options.now ?? Date.now;
  let opened = 0;
  const reopen = () =>
    ++opened === 1 && sizeBytes !== undefined && sizeBytes >= LONG_IMPORT_BYTES ? reportingValidation(open(), sizeBytes, out, now) : open();
  let result: ImportResult;
  try {
    result = await importNdjson(
      tracking,
      reopen,
      { actor: 'cli', correlationId: currentRequestId() ?? randomUUID() },
      {
        chunkSize: options.chunkSize,
        maxLineBytes: options.maxLineBytes,
        onProgress: progressReporter(out, now),
      },
    );
  } catch (error) {
    // A line over the length limit: refused before anything was applied.
    if (!(error instanceof DomainError)) throw error;
    out.stderr.write(`${file}: ${error.message}\n`);
    return EXIT.INVALID_INPUT;
  }
  if (result.status === 'malformed') {
    for (const line of result.malformed) {
      for (const message of describeMalformedLine(line)) out.stderr.write(`${message}\n`);
    }
    out.stderr.write(`${file}: ${result.malformed.length} malformed line(s); nothing was imported\n`);
    return EXIT.INVALID_INPUT;
  }
  reportRejections(result.summary, out);
  await options.afterApply?.();
  const caughtUp = await catchUp(options, tracking.lastPosition, out);
  out.stdout.write(`${JSON.stringify(result.summary)}\n`);
  if (!caughtUp) return EXIT.FAILURE;
  return result.summary.rejected > 0 ? EXIT.REJECTED : EXIT.OK;
}

/** Fresh planner statistics after a bulk import, where the store has them (the SQL store; EventStoreDB plans nothing). */
async function refreshStatistics(store: EventStore): Promise<void> {
  await store.refreshStatistics?.();
}

async function catchUp(options: ImportFileOptions, appended: LogPosition | null, out: Output): Promise<boolean> {
  if (!options.waitForProjections) return true;
  try {
    await options.waitForProjections(appended);
    return true;
  } catch (error) {
    out.stderr.write(`the commands were applied, but ${error instanceof Error ? error.message : String(error)}\n`);
    return false;
  }
}

function reportRejections(summary: ImportSummary, out: Output): void {
  for (const { line, code, message } of summary.errors) out.stderr.write(`line ${line}: ${code} ${message}\n`);
  if (summary.rejected > 0) out.stderr.write(`${summary.accepted} accepted, ${summary.rejected} rejected\n`);
}

/**
 * At most one line a second on stderr, and only for long imports:
 * `imported 12000/100000 commands (12%, 8532 commands/s, ETA 10 s)`.
 */
export function progressReporter(out: Output, now: () => number): (progress: ImportProgress) => void {
  let started = now();
  let reported = started;
  return ({ done, total }) => {
    const time = now();
    // The rate and the ETA count from the start of the applying, not of the validating before it.
    if (done === 0) {
      started = time;
      reported = time;
      return;
    }
    if (total < LONG_IMPORT || (done < total && time - reported < PROGRESS_INTERVAL_MS)) return;
    reported = time;
    const seconds = Math.max((time - started) / 1000, 0.001);
    const rate = Math.round(done / seconds);
    out.stderr.write(`imported ${done}/${total} commands (${percent(done, total)}, ${rate} commands/s, ETA ${eta(done, total, seconds)})\n`);
  };
}

/**
 * The bytes of `source`, reporting on stderr, at most once a second, how much of it the validating
 * pass has read: `validated 45% of the file (12.3/27.3 MiB, ETA 3 s)`.
 */
async function* reportingValidation(
  source: AsyncIterable<Uint8Array>,
  sizeBytes: number,
  out: Output,
  now: () => number,
): AsyncGenerator<Uint8Array> {
  const started = now();
  let reported = started;
  let read = 0;
  for await (const chunk of source) {
    read += chunk.byteLength;
    const time = now();
    if (time - reported >= PROGRESS_INTERVAL_MS || read === sizeBytes) {
      reported = time;
      const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
      out.stderr.write(
        `validated ${percent(read, sizeBytes)} of the file (${mib(read)}/${mib(sizeBytes)} MiB, ETA ${eta(read, sizeBytes, Math.max((time - started) / 1000, 0.001))})\n`,
      );
    }
    yield chunk;
  }
}

function percent(done: number, total: number): string {
  return `${total === 0 ? 100 : Math.floor((done / total) * 100)}%`;
}

/** The time left at the rate so far. */
function eta(done: number, total: number, seconds: number): string {
  if (done >= total) return '0 s';
  if (done === 0) return 'unknown';
  const left = Math.round(((total - done) * seconds) / done);
  return left < 120 ? `${left} s` : `${Math.round(left / 60)} min`;
}
