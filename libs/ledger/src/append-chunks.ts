import { eventSize, type NewEvent } from '../../event-store/src/event-store.js';

/** The events one command decided, in a batch of commands bound for one stream. */
export interface DecidedCommand {
  /** Where the command stands in its batch. */
  readonly index: number;
  readonly events: readonly NewEvent[];
}

/**
 * Splits a stream's decided commands into appends the store takes (`maxAppendBytes`, null: no
 * limit), in order, cutting only between commands: each command's events stay in one append, so
 * each command stays atomic. A command larger than the budget goes alone (and the store refuses it).
 */
export function appendChunks(commands: readonly DecidedCommand[], maxAppendBytes: number | null): DecidedCommand[][] {
  if (maxAppendBytes === null) return commands.length === 0 ? [] : [[...commands]];
  const chunks: DecidedCommand[][] = [];
  let chunk: DecidedCommand[] = [];
  let bytes = 0;
  for (const command of commands) {
    const size = command.events.reduce((sum, event) => sum + eventSize(event), 0);
    if (chunk.length > 0 && bytes + size > maxAppendBytes) {
      chunks.push(chunk);
      chunk = [];
      bytes = 0;
    }
    chunk.push(command);
    bytes += size;
  }
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
}
