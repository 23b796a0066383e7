import { StringDecoder } from 'node:string_decoder';
import { DomainError, type ErrorCode, type FieldError } from '../../../domain/src/errors.js';
import type { CommandContext, CommandGateway, ClientCommand } from '../command-gateway.js';
import { parseCommand } from '../validation/parse-command.js';

/**
 * Bulk import of NDJSON commands (SPEC §6), shared by `ledger import` and `POST /v1/import`:
 * every line is validated first and nothing is applied if any is malformed; then the commands
 * are applied in order, in chunks, each rejection reported against its line.
 *
 * `importNdjson` reads its source twice and holds one chunk at a time, so its memory does not grow
 * with the file: a first pass validates every line and counts the commands, a second parses them
 * again and applies them chunk by chunk.
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
  | { readonly status: 'malformed'; readonly malformed: readonly MalformedLine[] }
  | { readonly status: 'applied'; readonly summary: ImportSummary };

/** Reported once with `done` 0 as the commands start to be applied, then after every chunk. */
export interface ImportProgress {
  readonly done: number;
  readonly total: number;
}

export interface ImportOptions {
  readonly chunkSize?: number;
  /** The longest line, in bytes (`IMPORT_MAX_LINE_BYTES`); a longer one fails the import, naming it, before anything is applied. */
  readonly maxLineBytes?: number;
  readonly onProgress?: (progress: ImportProgress) => void;
}

export const DEFAULT_CHUNK_SIZE = 1_000;

type TextSource = AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>;

/** Opens the source from its start: called twice, once to validate every line and once to apply them. */
export type ReopenableSource = () => TextSource;

/** Validates the whole source, then, unless a line is malformed, reads it again and applies it chunk by chunk. */
export async function importNdjson(
  gateway: CommandGateway, open: ReopenableSource, context: CommandContext, options: ImportOptions = {},
): Promise<ImportResult> {
  const { commands, malformed } = await validateNdjson(splitLines(open(), options.maxLineBytes));
  if (malformed.length > 0) return { status: 'malformed', malformed };
  return { status: 'applied', summary: await applyInChunks(gateway, parsedCommands(splitLines(open(), options.maxLineBytes)), commands, context, options) };
}

/** Every malformed line, and how many commands the others hold; the commands themselves are not kept. */
async function validateNdjson(lines: AsyncIterable<string>): Promise<{ commands: number; malformed: MalformedLine[] }> {
  let commands = 0;
  const malformed: MalformedLine[] = [];
  for await (const parsed of parseLines(lines)) {
    if ('errors' in parsed) malformed.push(parsed);
    else commands++;
  }
  return { commands, malformed };
}

/** The commands of lines already validated; a line that no longer parses means the source changed between the two passes. */
async function* parsedCommands(lines: AsyncIterable<string>): AsyncGenerator<NumberedCommand> {
  for await (const parsed of parseLines(lines)) {
    if ('errors' in parsed) throw new Error(`line ${parsed.line} changed while the file was imported: it was valid when checked and is malformed now`);
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
 * Applies commands in order, `chunkSize` at a time, holding no more than one chunk; rejections do not
 * stop the import. `total` is how many there are, for the progress.
 */
export async function applyInChunks(
  gateway: CommandGateway, commands: AsyncIterable<NumberedCommand> | Iterable<NumberedCommand>, total: number, context: CommandContext,
  options: ImportOptions = {},
): Promise<ImportSummary> {
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
  const errors: LineRejection[] = [];
  let done = 0;
  let chunk: NumberedCommand[] = [];
  options.onProgress?.({ done, total });
  const apply = async (): Promise<void> => {
    const results = await gateway.executeMany(chunk.map((c) => c.command), context);
    results.forEach((result, i) => {
      if (!result.ok) errors.push({ line: chunk[i].line, code: result.error.code, message: result.error.message });
    });
    done += chunk.length;
    chunk = [];
    options.onProgress?.({ done, total: Math.max(total, done) });
  };
  for await (const command of commands) {
    chunk.push(command);
    if (chunk.length >= chunkSize) await apply();
  }
  if (chunk.length > 0) await apply();
  return { accepted: done - errors.length, rejected: errors.length, errors };
}

/** `line 3: quantity must be an integer ≥ 1`, one per bad field. */
export function describeMalformedLine({ line, errors }: MalformedLine): string[] {
  return errors.map((e) => `line ${line}: ${e.path === '' ? e.message : `${e.path} ${e.message}`}`);
}

/** The field errors of malformed lines as one list, paths prefixed by the line (`line 3.quantity`). */
export function malformedLineErrors(malformed: readonly MalformedLine[]): FieldError[] {
  return malformed.flatMap(({ line, errors }) =>
    errors.map((e) => ({ path: e.path === '' ? `line ${line}` : `line ${line}.${e.path}`, message: e.message })));
}
