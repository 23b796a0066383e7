import { eventSize } from '../../event-store/src/event-store.js';
import { testEvent } from '../../event-store/src/testing/event-store-probes.js';
import { appendChunks, type DecidedCommand } from './append-chunks.js';

const command = (index: number, events: number, text = 'x'.repeat(100)): DecidedCommand => ({
  index,
  events: Array.from({ length: events }, () => testEvent('Decided', { text })),
});
const bytesOf = (chunk: readonly DecidedCommand[]) => chunk.flatMap((c) => c.events).reduce((sum, e) => sum + eventSize(e), 0);

describe('appendChunks', () => {
  test('keeps every command whole and each append under the budget, in order', () => {
    const commands = Array.from({ length: 50 }, (_, i) => command(i, 1 + (i % 3)));
    const budget = bytesOf(commands) / 5;
    const chunks = appendChunks(commands, budget);
    expect(chunks.length).toBeGreaterThanOrEqual(5);
    expect(chunks.flat()).toEqual(commands);
    for (const chunk of chunks) expect(bytesOf(chunk)).toBeLessThanOrEqual(budget);
  });

  test('sends a command larger than the budget alone, for the store to refuse', () => {
    const commands = [command(0, 1), command(1, 3, 'y'.repeat(5_000)), command(2, 1)];
    expect(appendChunks(commands, 4_000).map((chunk) => chunk.map((c) => c.index))).toEqual([[0], [1], [2]]);
  });

  test('appends everything at once on a store without a limit', () => {
    const commands = [command(0, 2), command(1, 2)];
    expect(appendChunks(commands, null)).toEqual([commands]);
    expect(appendChunks([], null)).toEqual([]);
  });
});
