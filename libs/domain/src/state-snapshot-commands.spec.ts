import { rememberCommand, initialState } from './state.js';
import { PackedCommandIndex, packCommands, type CommandSpan } from './state-snapshot-commands.js';

/** A command index as `rememberCommand` builds it: ids of every shape, commands of one or several events, gaps. */
function folded(): Map<string, CommandSpan> {
  const state = initialState();
  const ids = ['c-1', 'c-2', 'with\nnewline', 'ünïcødé-😀', '', '"quoted" \\ back', 'c-1'];
  let revision = 0n;
  for (const [i, id] of ids.entries()) {
    for (let e = 0; e < (i % 3) + 1; e++) rememberCommand(state, id, revision++);
    revision += BigInt(i); // events without a commandId in between
  }
  for (let i = 0; i < 5_000; i++) rememberCommand(state, `bulk-${i}`, revision++);
  return state.commands as Map<string, CommandSpan>;
}

const restored = (map: Map<string, CommandSpan>) =>
  new PackedCommandIndex(JSON.parse(JSON.stringify(packCommands(map))) as ReturnType<typeof packCommands>);

describe('PackedCommandIndex', () => {
  test('reads back every entry, in order, with bigint revisions', () => {
    const map = folded();
    const index = restored(map);
    expect(index.size).toBe(map.size);
    expect([...index]).toEqual([...map]);
    expect([...index.keys()]).toEqual([...map.keys()]);
    for (const [id, span] of map) expect(index.get(id)).toEqual(span);
    expect(index.get('c-3')).toBeUndefined();
    expect(index.has('with\nnewline')).toBe(true);
    expect(index.has('with')).toBe(false);
  });

  test('behaves as the Map it replaces when the account goes on: counts grow, new commands come last', () => {
    const map = folded();
    const index = restored(map);
    const revision = 100_000n;
    for (const target of [map, index]) {
      rememberCommand({ commands: target } as never, 'bulk-4999', map.get('bulk-4999')!.firstRevision + 1n);
      rememberCommand({ commands: target } as never, 'fresh', revision);
      rememberCommand({ commands: target } as never, 'fresh', revision + 1n);
      rememberCommand({ commands: target } as never, 'c-2', revision + 2n);
    }
    expect(index.get('bulk-4999')?.count).toBe(2);
    expect(index.get('fresh')).toEqual({ firstRevision: revision, count: 2 });
    expect([...index]).toEqual([...map]);
    expect(index.size).toBe(map.size);
    // Packed again, it reads back the same.
    expect([...restored(index)]).toEqual([...map]);
  });

  test('a command index is never forgotten', () => {
    const index = restored(folded());
    expect(() => index.delete()).toThrow('an account forgets no command');
    expect(() => index.clear()).toThrow('an account forgets no command');
  });

  test('packed parts that do not match are refused', () => {
    const packed = packCommands(folded());
    expect(() => new PackedCommandIndex({ ...packed, ids: packed.ids.slice(1) })).toThrow('packed commandIds do not match their lengths');
    expect(() => new PackedCommandIndex({ ...packed, runs: packed.runs.slice(0, 40) })).toThrow(/packed command revisions/);
  });
});
