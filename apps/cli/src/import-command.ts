import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { CommandGateway } from '../../../libs/ledger/src/command-gateway.js';
import {
  describeMalformedLine, importNdjson, type ImportProgress, type ImportSummary,
} from '../../../libs/ledger/src/import/ndjson-import.js';
import { EXIT } from './exit-codes.js';
import type { Output } from './output.js';

/** Imports with at least this many commands report their progress. */
const LONG_IMPORT = 10_000;
const PROGRESS_INTERVAL_MS = 1_000;

export interface ImportFileOptions {
  readonly chunkSize?: number;
  readonly now?: () => number;
}

/**
 * `ledger import FILE.ndjson` (SPEC §6): malformed lines → every one on stderr, nothing applied,
 * exit 2; otherwise applies the file and prints the JSON summary as the last line of stdout,
 * exit 3 if the ledger rejected any command.
 */
export async function importFile(file: string, gateway: CommandGateway, out: Output, options: ImportFileOptions = {}): Promise<number> {
  const result = await importNdjson(gateway, createReadStream(file), { actor: 'cli', correlationId: randomUUID() }, {
    chunkSize: options.chunkSize,
    onProgress: progressReporter(out, options.now ?? Date.now),
  });
  if (result.status === 'malformed') {
    for (const line of result.malformed) {
      for (const message of describeMalformedLine(line)) out.stderr.write(`${message}\n`);
    }
    out.stderr.write(`${file}: ${result.malformed.length} malformed line(s); nothing was imported\n`);
    return EXIT.INVALID_INPUT;
  }
  reportRejections(result.summary, out);
  out.stdout.write(`${JSON.stringify(result.summary)}\n`);
  return result.summary.rejected > 0 ? EXIT.REJECTED : EXIT.OK;
}

function reportRejections(summary: ImportSummary, out: Output): void {
  for (const { line, code, message } of summary.errors) out.stderr.write(`line ${line}: ${code} ${message}\n`);
  if (summary.rejected > 0) out.stderr.write(`${summary.accepted} accepted, ${summary.rejected} rejected\n`);
}

/** At most one line a second on stderr, and only for long imports: `imported 12000/100000 commands (8532 commands/s)`. */
function progressReporter(out: Output, now: () => number): (progress: ImportProgress) => void {
  const started = now();
  let reported = started;
  return ({ done, total }) => {
    const time = now();
    if (total < LONG_IMPORT || (done < total && time - reported < PROGRESS_INTERVAL_MS)) return;
    reported = time;
    const rate = Math.round(done / Math.max((time - started) / 1000, 0.001));
    out.stderr.write(`imported ${done}/${total} commands (${rate} commands/s)\n`);
  };
}
