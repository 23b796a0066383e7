import type { ProjectionEngine } from '../../projections/engine/projection-engine.js';
import { readGenerations } from '../../projections/engine/registry.js';
import { CountingProjection } from './support/counting-projection.js';
import {
  appendTypes,
  countTypes,
  cycleOfTypes,
  newEngine,
  openBackend,
  readCounts,
  readLog,
  recordingLogger,
  type Backend,
} from './support/projection-fixture.js';

/**
 * The one-pass rebuild with members that do not all move together: one whose batch fails leaves the
 * pass and is rebuilt alone (the others go on), and members at different checkpoints resume each
 * from its own.
 */
describe.each(['postgres', 'pglite'] as const)('one-pass rebuild members on %s', (kind) => {
  let backend: Backend;
  const engines: ProjectionEngine[] = [];

  beforeEach(async () => {
    backend = await openBackend(kind, 'onepass_members');
  });

  afterEach(async () => {
    for (const running of engines.splice(0)) await running.stop();
    await backend.close();
  });

  test('a member whose batch fails leaves the pass, is rebuilt alone, and every member counts each event once', async () => {
    await appendTypes(backend.store, cycleOfTypes(1_200));
    let calls = 0;
    const flaky = new CountingProjection({
      name: 'flaky',
      beforeApply: async () => {
        if (++calls === 2) throw new Error('the flaky projection fails its second batch');
      },
    });
    const logger = recordingLogger();
    const engine = newEngine(backend, [new CountingProjection(), new CountingProjection({ name: 'every', eventTypes: ['A', 'B', 'C'] }), flaky], {
      rebuildBatchSize: 100,
      logger,
    });
    engines.push(engine);

    const results = await engine.rebuildTogether();
    expect(results.map((r) => [r.name, r.outcome])).toEqual([
      ['counter', 'switched'],
      ['every', 'switched'],
      ['flaky', 'switched'],
    ]);
    expect(logger.lines.filter((line) => line.includes('leaves the one-pass rebuild'))).toEqual([
      expect.stringMatching(/^warn flaky: a batch failed \(the flaky projection fails its second batch\); it leaves the one-pass rebuild/),
    ]);
    const log = await readLog(backend.store);
    expect(await readCounts(engine, 'counter')).toEqual(countTypes(log));
    expect(await readCounts(engine, 'flaky')).toEqual(countTypes(log));
    expect(await readCounts(engine, 'every')).toEqual(countTypes(log, ['A', 'B', 'C']));
  });

  test('members at different checkpoints: the pass reads from the earliest, and each folds only what it has not', async () => {
    await appendTypes(backend.store, cycleOfTypes(900));
    const engine = newEngine(backend, [new CountingProjection(), new CountingProjection({ name: 'every', eventTypes: ['A', 'B', 'C'] })], {
      rebuildBatchSize: 100,
    });
    engines.push(engine);
    // `counter` alone gets a third of the way, then both are stopped part-way through one pass.
    const stopAlone = new AbortController();
    const alone = await engine.rebuild('counter', { signal: stopAlone.signal, onProgress: (p) => p.done >= 300 && stopAlone.abort() });
    expect(alone.outcome).toBe('stopped');
    await appendTypes(backend.store, cycleOfTypes(300));

    const results = await engine.rebuildTogether();
    expect(results.map((r) => [r.name, r.outcome, r.generation])).toEqual([
      ['counter', 'switched', alone.generation],
      ['every', 'switched', 1],
    ]);
    const log = await readLog(backend.store);
    expect(await readCounts(engine, 'counter')).toEqual(countTypes(log));
    expect(await readCounts(engine, 'every')).toEqual(countTypes(log, ['A', 'B', 'C']));
    const active = (await readGenerations(backend.db.kysely())).filter((g) => g.status === 'active');
    expect(active.map((g) => [g.name, g.eventsSeen])).toEqual([
      ['counter', log.length],
      ['every', log.length],
    ]);
  });

  test('a read of the log that fails is retried from the same place; nothing is folded twice', async () => {
    await appendTypes(backend.store, cycleOfTypes(900));
    let reads = 0;
    const store = new Proxy(backend.store, {
      get(target, property) {
        if (property === 'readAll') {
          return (...args: Parameters<typeof target.readAll>) =>
            ++reads === 3 ? Promise.reject(new Error('the connection dropped')) : target.readAll(...args);
        }
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    const logger = recordingLogger();
    const engine = newEngine(
      { db: backend.db, store },
      [new CountingProjection(), new CountingProjection({ name: 'every', eventTypes: ['A', 'B', 'C'] })],
      {
        rebuildBatchSize: 100,
        logger,
      },
    );
    engines.push(engine);

    expect((await engine.rebuildTogether()).map((r) => r.outcome)).toEqual(['switched', 'switched']);
    expect(logger.lines.filter((line) => line.startsWith('error'))).toEqual([
      expect.stringMatching(/^error one-pass rebuild: reading the log failed, retrying in \d+ ms: the connection dropped$/),
    ]);
    const log = await readLog(backend.store);
    expect(await readCounts(engine, 'counter')).toEqual(countTypes(log));
    expect(await readCounts(engine, 'every')).toEqual(countTypes(log, ['A', 'B', 'C']));
  });
});
