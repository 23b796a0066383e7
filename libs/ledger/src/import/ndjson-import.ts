import { StringDecoder } from 'node:string_decoder';
import { DomainError, type ErrorCode, type FieldError } from '../../../domain/src/errors.js';
import type { CommandContext, CommandGateway, ClientCommand } from '../command-gateway.js';
import { parseCommand } from '../validation/parse-command.js';

/**
 * Bulk import of NDJSON commands (SPEC §6), shared by `ledger import` and `POST /v1/import`:
 * every line is validated first and nothing is applied if any is malformed; then the commands
 * are applied in order, in chunks, each rejection reported against its line.
 *
 * `importNdjson` holds a bounded number of commands, so its memory does not grow with the file: a
 * first pass validates every line and counts the commands, keeping them while they are few (up to
 * `keepUpTo`); a bigger source is read and parsed again and applied chunk by chunk, holding the chunk
 * applied and the next one, parsed meanwhile.
 */

/** Lines are numbered from 1; blank lines are skipped but still counted. */
export interface NumberedCommand {
  readonly line: number;
  readonly command: ClientCommand;
}

export interface MalformedLine {
  readonly line: number;
  readonly errors: readonly FieldError[];
}

export interface LineRejection {
  readonly line: number;
  readonly code: ErrorCode;
  readonly message: string;
}

export interface ImportSummary {
  readonly accepted: number;
  readonly rejected: number;
  readonly errors: readonly LineRejection[];
}

export type ImportResult =
  { readonly status: 'malformed'; readonly malformed: readonly MalformedLine[] } | { readonly status: 'applied'; readonly summary: ImportSummary };

/** Reported once with `done` 0 as the commands start to be applied, then after every chunk. */
export interface ImportProgress {
  readonly done: number;
  readonly total: number;
}

export interface ImportOptions {
  readonly chunkSize?: number;
  /** The longest line, in bytes (`IMPORT_MAX_LINE_BYTES`); a longer one fails the import, naming it, before anything is applied. */
  readonly maxLineBytes?: number;
  /** The validating pass keeps up to this many commands; a source with no more is applied from them, without a second read. */
  readonly keepUpTo?: number;
  readonly onProgress?: (progress: ImportProgress) => void;
}

export const DEFAULT_CHUNK_SIZE = 1_000;
/** About 50 MiB of parsed commands: parsing a line again costs about as much as validating it. */
export const DEFAULT_KEEP_UP_TO = 100_000;

type TextSource = AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>;

/** Opens the source from its start: called once to validate every line and, for a big source, again to apply them. */
export type ReopenableSource = () => TextSource;

/**
 * Validates the whole source, then, unless a line is malformed, applies it chunk by chunk: from the
 * commands the validation kept when they were few enough (`keepUpTo`), else by reading it again.
 */
export async function importNdjson(
  gateway: CommandGateway,
  open: ReopenableSource,
  context: CommandContext,
  options: ImportOptions = {},
): Promise<ImportResult> {
  const { count, kept, malformed } = await validateNdjson(splitLines(open(), options.maxLineBytes), options.keepUpTo ?? DEFAULT_KEEP_UP_TO);
  if (malformed.length > 0) return { status: 'malformed', malformed };
  const commands = kept ?? parsedCommands(splitLines(open(), options.maxLineBytes));
  return { status: 'applied', summary: await applyInChunks(gateway, commands, count, context, options) };
}

/** Every malformed line, how many commands the others hold, and the commands themselves while there are no more than `keepUpTo`. */
async function validateNdjson(
  lines: AsyncIterable<string>,
  keepUpTo: number,
): Promise<{ count: number; kept: NumberedCommand[] | null; malformed: MalformedLine[] }> {
  let count = 0;
  let kept: NumberedCommand[] | null = [];
  const malformed: MalformedLine[] = [];
  for await (const parsed of parseLines(lines)) {
    if ('errors' in parsed) {
      malformed.push(parsed);
      continue;
    }
    count++;
    if (kept && count > keepUpTo) kept = null;
    kept?.push(parsed);
  }
  return { count, kept, malformed };
}

/** The commands of lines already validated; a line that no longer parses means the source changed between the two passes. */
async function* parsedCommands(lines: AsyncIterable<string>): AsyncGenerator<NumberedCommand> {
  for await (const parsed of parseLines(lines)) {
    if ('errors' in parsed)
      throw new Error(`line ${parsed.line} changed while the file was imported: it was valid when checked and is malformed now`);
    yield parsed;
  }
}

/** No line of an import may be longer (SPEC §6): a command is far smaller; a line this long is a mistake or an attack. */
export const DEFAULT_MAX_LINE_BYTES = 1024 * 1024;

/**
 * Splits UTF-8 text, arriving in chunks of any size, into lines (`\n` or `\r\n`). A line longer than
 * `maxLineBytes` stops the split at once (nothing more is buffered): VALIDATION_FAILED naming the line.
 */
export async function* splitLines(source: TextSource, maxLineBytes = DEFAULT_MAX_LINE_BYTES): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  let first = true;
  let number = 0;
  const checked = (line: string): string => {
    number++;
    if (Buffer.byteLength(line) > maxLineBytes) throw lineTooLong(number, maxLineBytes);
    return line.endsWith('\r') ? line.slice(0, -1) : line;
  };
  for await (const chunk of source) {
    pending += typeof chunk === 'string' ? chunk : decoder.write(chunk);
    if (first && pending.length > 0) {
      pending = pending.replace(/^\uFEFF/, '');
      first = false;
    }
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) yield checked(line);
    // A line without its end yet: as many characters as the limit's bytes already exceed it.
    if (pending.length > maxLineBytes) throw lineTooLong(number + 1, maxLineBytes);
  }
  pending += decoder.end();
  if (pending !== '') yield checked(pending);
}

function lineTooLong(line: number, maxLineBytes: number): DomainError {
  const message = `is longer than ${maxLineBytes} bytes (IMPORT_MAX_LINE_BYTES); nothing was imported`;
  return new DomainError('VALIDATION_FAILED', `line ${line} ${message}`, [{ path: `line ${line}`, message }]);
}

/** Parses a whole source at once (for bodies already bounded in size, `POST /v1/import`). */
export async function parseNdjson(
  lines: AsyncIterable<string> | Iterable<string>,
): Promise<{ commands: NumberedCommand[]; malformed: MalformedLine[] }> {
  const commands: NumberedCommand[] = [];
  const malformed: MalformedLine[] = [];
  for await (const parsed of parseLines(lines)) {
    if ('errors' in parsed) malformed.push(parsed);
    else commands.push(parsed);
  }
  return { commands, malformed };
}

/** Each non-blank line as a command or as its errors, numbered from 1 counting blank lines. */
async function* parseLines(lines: AsyncIterable<string> | Iterable<string>): AsyncGenerator<NumberedCommand | MalformedLine> {
  let line = 0;
  for await (const text of lines) {
    line++;
    if (text.trim() === '') continue;
    try {
      yield { line, command: parseCommand(parseJson(text)) };
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      yield { line, errors: error.errors };
    }
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new DomainError('VALIDATION_FAILED', 'invalid JSON', [{ path: '', message: `invalid JSON: ${(error as Error).message}` }]);
  }
}

/**
 * Applies commands in order, `chunkSize` at a time; rejections do not stop the import. `total` is how
 * many there are, for the progress. The next chunk is read and parsed while the current one is applied
 * (the gateway mostly waits on the database meanwhile), so at most two chunks are held.
 */
export async function applyInChunks(
  gateway: CommandGateway,
  commands: AsyncIterable<NumberedCommand> | Iterable<NumberedCommand>,
  total: number,
  context: CommandContext,
  options: ImportOptions = {},
): Promise<ImportSummary> {
  const chunks = inChunks(commands, options.chunkSize ?? DEFAULT_CHUNK_SIZE);
  const errors: LineRejection[] = [];
  let done = 0;
  options.onProgress?.({ done, total });
  let next = chunks.next();
  for (;;) {
    const current = await next;
    if (current.done) break;
    const chunk = current.value;
    next = chunks.next();
    // A failure to read the next chunk is reported once the current one is applied, by the await above.
    next.catch(() => undefined);
    const results = await gateway.executeMany(
      chunk.map((c) => c.command),
      context,
    );
    results.forEach((result, i) => {
      if (!result.ok) errors.push({ line: chunk[i].line, code: result.error.code, message: result.error.message });
    });
    done += chunk.length;
    options.onProgress?.({ done, total: Math.max(total, done) });
  }
  return { accepted: done - errors.length, rejected: errors.length, errors };
}

async function* inChunks<T>(items: AsyncIterable<T> | Iterable<T>, size: number): AsyncGenerator<T[]> {
  let chunk: T[] = [];
  for await (const item of items) {
    chunk.push(item);
    if (chunk.length >= size) {
      yield chunk;
      chunk = [];
    }
  }
  if (chunk.length > 0) yield chunk;
}

/** `line 3: quantity must be an integer ≥ 1`, one per bad field. */
export function describeMalformedLine({ line, errors }: MalformedLine): string[] {
  return errors.map((e) => `line ${line}: ${e.path === '' ? e.message : `${e.path} ${e.message}`}`);
}

/** The field errors of malformed lines as one list, paths prefixed by the line (`line 3.quantity`). */
export function malformedLineErrors(malformed: readonly MalformedLine[]): FieldError[] {
  return malformed.flatMap(({ line, errors }) =>
    errors.map((e) => ({ path: e.path === '' ? `line ${line}` : `line ${line}.${e.path}`, message: e.message })),
  );
}
