import { comparePositions, formatPosition, parsePosition } from '../../libs/event-store/src/event-store.js';
import { createSqlEventStore } from '../../libs/event-store/src/sql/sql-event-store.js';
import type { LedgerDatabase } from '../../libs/database/src/database.js';
import { generationSchema } from '../../projections/engine/generation-schema.js';
import type { ProjectionEngine } from '../../projections/engine/projection-engine.js';
import type { RebuildProgress } from '../../projections/engine/rebuild-progress.js';
import { CountingProjection, type CountTables } from './support/counting-projection.js';
import {
  appendTypes,
  countTypes,
  cycleOfTypes,
  newEngine,
  newEvent,
  openBackend,
  readCounts,
  readLog,
  recordingLogger,
  waitUntil,
  type Backend,
  type Ledger,
} from './support/projection-fixture.js';
import { query } from '../../libs/database/src/testing/query.js';

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function schemaExists(db: LedgerDatabase, schema: string): Promise<boolean> {
  return (await query(db, 'SELECT 1 FROM information_schema.schemata WHERE schema_name = $1', [schema])).length === 1;
}

describe.each(['postgres', 'pglite'] as const)('projection engine on %s', (kind) => {
  let backend: Backend;
  const engines: ProjectionEngine[] = [];

  beforeEach(async () => {
    backend = await openBackend(kind, 'engine');
  });

  afterEach(async () => {
    for (const running of engines.splice(0)) await running.stop();
    await backend.close();
  });

  function engine(projections: CountingProjection[], options: Parameters<typeof newEngine>[2] = {}, ledger: Ledger = backend): ProjectionEngine {
    const created = newEngine(ledger, projections, options);
    engines.push(created);
    return created;
  }

  test('on first start, creates generation 1, active, and folds the whole log in its own schema', async () => {
    const head = await appendTypes(backend.store, cycleOfTypes(1_000));
    const projections = engine([new CountingProjection()]);
    await projections.start();
    await projections.waitForPosition(head, 20_000);

    expect(await readCounts(projections)).toEqual({ A: 334, B: 333 });
    expect(await projections.status()).toEqual([
      expect.objectContaining({
        name: 'counter',
        version: 1,
        generation: 1,
        generationVersion: 1,
        status: 'active',
        position: formatPosition(head),
        lagEvents: 0,
        lagSeconds: 0,
        eventsFolded: 667,
        lastError: null,
      }),
    ]);
    expect(await schemaExists(backend.db, generationSchema(backend.db.schema, 'counter', 1))).toBe(true);
  });

  test('a failing batch writes nothing, checkpoint included; a restarted runner resumes and counts every event once', async () => {
    await appendTypes(backend.store, cycleOfTypes(2_000));
    const broken = engine([new CountingProjection({ failAfterBatches: 5 })]);
    await broken.start();
    await waitUntil(async () => (await broken.status())[0].lastError !== null);
    await broken.stop();

    const [stopped] = await broken.status();
    expect(stopped.lastError).toBe('the counting projection is broken on purpose');
    const checkpoint = parsePosition(stopped.position ?? '');
    const folded = (await readLog(backend.store)).filter((event) => comparePositions(event.position, checkpoint) <= 0);
    expect(folded).toHaveLength(500);
    expect(await readCounts(broken)).toEqual(countTypes(folded));

    const restarted = engine([new CountingProjection()]);
    await restarted.start();
    const head = await appendTypes(backend.store, cycleOfTypes(300));
    await restarted.waitForPosition(head, 20_000);
    const log = await readLog(backend.store);
    expect(await readCounts(restarted)).toEqual(countTypes(log));
    expect((await restarted.status())[0]).toMatchObject({ eventsFolded: 1_534, lastError: null });
  });

  test('two runners on the same projection at once still fold every event exactly once', async () => {
    await appendTypes(backend.store, cycleOfTypes(3_000));
    const first = new CountingProjection({ beforeApply: () => delay(1) });
    const second = new CountingProjection({ beforeApply: () => delay(1) });
    const one = engine([first]);
    const other = engine([second], {}, await backend.openPeer());
    await Promise.all([one.start(), other.start()]);
    const head = await appendTypes(backend.store, cycleOfTypes(1_500));
    await one.waitForPosition(head, 30_000);

    expect(await readCounts(one)).toEqual(countTypes(await readLog(backend.store)));
    expect((await one.status())[0].eventsFolded).toBe(3_000);
    expect(first.applied + second.applied).toBeGreaterThanOrEqual(45);
  });

  test('resumes from its checkpoint after a stop, without folding anything again', async () => {
    const first = engine([new CountingProjection()]);
    await first.start();
    await first.waitForPosition(await appendTypes(backend.store, cycleOfTypes(600)), 20_000);
    await first.stop();

    const head = await appendTypes(backend.store, cycleOfTypes(600));
    const resumed = new CountingProjection();
    const second = engine([resumed]);
    await second.start();
    await second.waitForPosition(head, 20_000);
    expect(resumed.applied).toBe(6);
    expect(await readCounts(second)).toEqual({ A: 400, B: 400 });
  });

  test('rebuilds into a new generation while readers keep being answered, switches, then drops the old one', async () => {
    const start = await appendTypes(backend.store, cycleOfTypes(2_000));
    const projections = engine([new CountingProjection({ beforeApply: () => delay(2) })], { retiredGraceMs: 300 });
    await projections.start();
    await projections.waitForPosition(start, 20_000);
    const before = await readCounts(projections);

    let reading = true;
    const generations = new Set<number>();
    const failures: unknown[] = [];
    const reader = (async () => {
      while (reading) {
        try {
          const { db, generation } = await projections.reader.reader<CountTables>('counter');
          const rows = await db.kysely.selectFrom('event_counts').select(['type', 'count']).execute();
          const counted = rows.reduce((sum, row) => sum + Number(row.count), 0);
          if (counted < before.A + before.B) throw new Error(`generation ${generation} answered a partial count ${counted}`);
          generations.add(generation);
        } catch (error) {
          failures.push(error);
        }
        await delay(2);
      }
    })();

    const progress: RebuildProgress[] = [];
    const rebuilding = projections.rebuild('counter', { onProgress: (p) => progress.push(p) });
    await appendTypes(backend.store, cycleOfTypes(300));
    const result = await rebuilding;
    const head = await appendTypes(backend.store, cycleOfTypes(30));
    await projections.waitForPosition(head, 20_000);
    reading = false;
    await reader;

    expect(failures).toEqual([]);
    expect([...generations]).toEqual([1, 2]);
    expect(result).toMatchObject({ name: 'counter', generation: 2, outcome: 'switched', retired: 1 });
    expect(await schemaExists(backend.db, generationSchema(backend.db.schema, 'counter', 1))).toBe(false);
    expect(await readCounts(projections)).toEqual(countTypes(await readLog(backend.store)));
    const last = progress[progress.length - 1];
    expect(last).toMatchObject({ name: 'counter', generation: 2, done: last.total });
    expect(last.done).toBeGreaterThanOrEqual(2_000);
    expect(last.eventsPerSecond).toBeGreaterThan(0);
    expect((await projections.status()).map((s) => [s.generation, s.status])).toEqual([[2, 'active']]);
  });

  test('a version bump builds a new generation while the old one serves, then switches to it', async () => {
    const head = await appendTypes(backend.store, cycleOfTypes(1_500));
    const v1 = engine([new CountingProjection({ version: 1 })]);
    await v1.start();
    await v1.waitForPosition(head, 20_000);
    await v1.stop();

    const v2 = engine([new CountingProjection({ version: 2, eventTypes: ['A', 'B', 'C'], beforeApply: () => delay(10) })]);
    await v2.start();
    await waitUntil(async () => (await v2.status()).some((s) => s.status === 'building'));
    expect((await v2.status()).map((s) => [s.generation, s.generationVersion, s.status])).toEqual([
      [1, 1, 'active'],
      [2, 2, 'building'],
    ]);
    expect(await readCounts(v2)).toEqual({ A: 500, B: 500 });

    await waitUntil(async () => (await v2.status()).every((s) => s.generation === 2 && s.status === 'active'));
    expect(await readCounts(v2)).toEqual({ A: 500, B: 500, C: 500 });
    await waitUntil(async () => !(await schemaExists(backend.db, generationSchema(backend.db.schema, 'counter', 1))));

    // An installation still on version 1 leaves the newer generation alone.
    const logger = recordingLogger();
    const outdated = engine([new CountingProjection({ version: 1 })], { logger });
    await outdated.start();
    await waitUntil(() => logger.lines.some((line) => line.includes('newer than this installation')));
    expect(await readCounts(v2)).toEqual({ A: 500, B: 500, C: 500 });
  });

  test('a version whose tables changed is not read from the older generation: reports wait for its rebuild', async () => {
    const head = await appendTypes(backend.store, cycleOfTypes(600));
    const v1 = engine([new CountingProjection()]);
    await v1.start();
    await v1.waitForPosition(head, 20_000);
    await v1.stop();

    const v2 = engine([new CountingProjection({ version: 2, tablesChangedIn: 2, beforeApply: () => delay(10) })]);
    await v2.start();
    await waitUntil(async () => (await v2.status()).some((s) => s.status === 'building'));
    await expect(readCounts(v2)).rejects.toThrow(
      'projection "counter" is being rebuilt: its tables changed in version 2, and the active generation 1 has those of version 1',
    );
    await waitUntil(async () => (await v2.status()).every((s) => s.generation === 2 && s.status === 'active'));
    expect(await readCounts(v2)).toEqual({ A: 200, B: 200 });
    const recorded = await query<{ name: string }>(
      backend.db,
      `SELECT name FROM ${generationSchema(backend.db.schema, 'counter', 2)}.ledger_migrations ORDER BY name`,
    );
    expect(recorded.map((r) => r.name)).toEqual(['v1-tables', 'v2-notes']);
  });

  test('a rule change rebuilds like a version bump; of two processes configured differently, the one started last wins', async () => {
    const head = await appendTypes(backend.store, cycleOfTypes(300));
    const earlierLog = recordingLogger();
    const earlier = engine([new CountingProjection()], { context: { leaseMs: 900_000, activityActions: null }, logger: earlierLog });
    await earlier.start();
    await earlier.waitForPosition(head, 20_000);

    const later = engine([new CountingProjection()], { context: { leaseMs: 60_000, activityActions: null } });
    await later.start();
    await waitUntil(async () => (await later.status()).every((s) => s.generation === 2 && s.status === 'active'));

    const next = await appendTypes(backend.store, ['A']);
    await later.waitForPosition(next, 20_000);
    await waitUntil(() =>
      earlierLog.lines.some((line) =>
        line.includes(
          'generation 2 was set up after this process started, under other rules ({"activityActions":null,"leaseMs":60000}; here {"activityActions":null,"leaseMs":900000})',
        ),
      ),
    );
    expect((await later.status()).map((s) => [s.generation, s.status])).toEqual([[2, 'active']]);
    expect(await readCounts(later)).toEqual({ A: 101, B: 100 });
  });

  test('a projection is rebuilt only for a change to the rules it depends on, and status shows them', async () => {
    const head = await appendTypes(backend.store, cycleOfTypes(60));
    const onActivity = () => [
      new CountingProjection({ name: 'on-activity', rules: ['activityActions'] }),
      new CountingProjection({ name: 'on-nothing', rules: [] }),
    ];
    const first = engine(onActivity());
    await first.start();
    await first.waitForPosition(head, 20_000);
    await first.stop();

    const leaseChanged = engine(onActivity(), { context: { leaseMs: 60_000, activityActions: null } });
    await leaseChanged.start();
    // Had it gone stale, the active generation would stand still until a new one switched in.
    await leaseChanged.waitForPosition(await appendTypes(backend.store, ['A']), 20_000);
    expect((await leaseChanged.status()).map((s) => [s.name, s.generation, s.status, s.rules])).toEqual([
      ['on-activity', 1, 'active', { activityActions: null }],
      ['on-nothing', 1, 'active', {}],
    ]);
    await leaseChanged.stop();

    const actionsChanged = engine(onActivity(), { context: { leaseMs: 60_000, activityActions: ['run-test'] } });
    await actionsChanged.start();
    await waitUntil(async () => (await actionsChanged.status()).some((s) => s.name === 'on-activity' && s.generation === 2 && s.status === 'active'));
    expect((await actionsChanged.status()).map((s) => [s.name, s.generation, s.status, s.rules])).toEqual([
      ['on-activity', 2, 'active', { activityActions: ['run-test'] }],
      ['on-nothing', 1, 'active', {}],
    ]);
  });

  test('waitForPosition resolves once every projection has folded up to the position, and says who is behind when it times out', async () => {
    const projections = engine([new CountingProjection()]);
    const head = await appendTypes(backend.store, ['A', 'C']);
    await expect(projections.waitForPosition(null, 0)).resolves.toBeUndefined();
    await expect(projections.waitForPosition(head, 100)).rejects.toThrow(
      `projections did not reach position ${formatPosition(head)} within 100 ms: counter at the start`,
    );

    await projections.start();
    await expect(projections.waitForPosition(head, 20_000)).resolves.toBeUndefined();
    expect(await readCounts(projections)).toEqual({ A: 1 });
  });

  test('status shows how far behind the log each projection is, in events and in seconds', async () => {
    const projections = engine([new CountingProjection()]);
    // Readers see an append once every transaction begun before it has ended, anywhere on the server.
    const visible = async (position: Awaited<ReturnType<typeof appendTypes>>) =>
      waitUntil(async () => comparePositions(await backend.store.headPosition(), position) >= 0);
    await visible(await appendTypes(backend.store, cycleOfTypes(90)));
    expect(await projections.status()).toEqual([expect.objectContaining({ status: 'not-started', generation: null, lagEvents: 90 })]);

    await projections.start();
    await waitUntil(async () => (await projections.status())[0].lagEvents === 0);
    await projections.stop();
    await visible(await appendTypes(backend.store, cycleOfTypes(40)));
    await delay(1_100);
    const [behind] = await projections.status();
    expect(behind).toMatchObject({ status: 'active', lagEvents: 40, eventsFolded: 60 });
    expect(behind.lagSeconds).toBeGreaterThanOrEqual(1);
  });

  test('a rebuilt generation is analyzed before it serves, so reports are planned with its statistics', async () => {
    await appendTypes(backend.store, cycleOfTypes(50));
    const projections = engine([new CountingProjection()]);
    await projections.rebuild('counter');
    // reltuples is -1 until a table is first analyzed (autovacuum leaves so small a table alone).
    const schema = generationSchema(backend.db.schema, 'counter', 1);
    const [stats] = await query<{ reltuples: number }>(
      backend.db,
      `SELECT c.reltuples FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = 'event_counts'`,
      [schema],
    );
    const [rows] = await query<{ n: number }>(backend.db, `SELECT count(*)::int AS n FROM ${schema}.event_counts`);
    expect(Number(stats.reltuples)).toBe(rows.n);
  });

  test('names the projections when asked for an unknown one', async () => {
    const projections = engine([new CountingProjection(), new CountingProjection({ name: 'other-counter' })]);
    await expect(projections.rebuild('nope')).rejects.toThrow('unknown projection "nope"; the projections are: counter, other-counter');
    await expect(projections.reader.reader('nope')).rejects.toThrow('unknown projection "nope"');
    await expect(projections.reader.reader('counter')).rejects.toThrow('projection "counter" has no active generation yet');
  });

  test('passes over events outside the account streams, reporting them, and folds the rest', async () => {
    await appendTypes(backend.store, cycleOfTypes(30));
    await backend.store.appendToStream('orders-17', 'no_stream', [newEvent('A'), newEvent('B')]);
    const head = await appendTypes(backend.store, cycleOfTypes(30));
    const logger = recordingLogger();
    const projections = engine([new CountingProjection()], { logger });
    await projections.start();
    await projections.waitForPosition(head, 20_000);

    expect(await readCounts(projections)).toEqual({ A: 20, B: 20 });
    expect((await projections.status())[0]).toMatchObject({ position: formatPosition(head), lastError: null });
    expect(logger.lines.filter((line) => line.startsWith('warn'))).toEqual([
      expect.stringMatching(
        /^warn counter generation 1: passed over 2 event\(s\) outside the ledger's account streams, first .* \(A\) in stream "orders-17"/,
      ),
    ]);
  });

  test('refuses a checkpoint past the end of the log (restored from an older backup) until rebuilt', async () => {
    const kept = await appendTypes(backend.store, cycleOfTypes(300), 100);
    const head = await appendTypes(backend.store, cycleOfTypes(300), 100);
    const first = engine([new CountingProjection()]);
    await first.start();
    await first.waitForPosition(head, 20_000);
    await first.stop();
    // The log as an older backup had it: the last 300 events never happened.
    await query(backend.db, `DELETE FROM events WHERE (transaction_id, global_position) > ($1::xid8, $2::bigint)`, [
      String(kept!.commit),
      String(kept!.prepare),
    ]);

    const projections = engine([new CountingProjection()]);
    await projections.start();
    await waitUntil(async () => (await projections.status())[0].lastError !== null);
    await appendTypes(backend.store, cycleOfTypes(600), 100);
    await delay(200);
    const [status] = await projections.status();
    expect(status.lastError).toMatch(
      new RegExp(
        `^projection "counter" generation 1 has folded the log up to ${formatPosition(head)}, but the log ends at ${formatPosition(kept)}: ` +
          'the event store was recreated or restored from an older backup\\. Nothing is folded until it is rebuilt: ledger projections rebuild counter$',
      ),
    );
    expect(status.position).toBe(formatPosition(head));

    await projections.rebuild('counter');
    await projections.waitForPosition(await backend.store.headPosition(), 20_000);
    expect(await readCounts(projections)).toEqual(countTypes(await readLog(backend.store)));
    expect((await projections.status())[0]).toMatchObject({ generation: 2, lastError: null });
    const later = await appendTypes(backend.store, cycleOfTypes(30));
    await projections.waitForPosition(later, 20_000);
    expect(await readCounts(projections)).toEqual(countTypes(await readLog(backend.store)));
  });

  test('refuses a checkpoint of another event store until rebuilt', async () => {
    const head = await appendTypes(backend.store, cycleOfTypes(90));
    const first = engine([new CountingProjection()]);
    await first.start();
    await first.waitForPosition(head, 20_000);
    await first.stop();
    // The log was recreated: same tables, another store.
    await query(backend.db, `UPDATE event_store SET store_id = gen_random_uuid()`);
    const recreated = { db: backend.db, store: await createSqlEventStore(backend.db) };
    expect(recreated.store.storeId).not.toBe(backend.store.storeId);

    const projections = engine([new CountingProjection()], {}, recreated);
    await projections.start();
    await waitUntil(async () => (await projections.status())[0].lastError !== null);
    expect((await projections.status())[0].lastError).toBe(
      `projection "counter" generation 1 was folded from event store ${backend.store.storeId}, ` +
        `but this process reads event store ${recreated.store.storeId} (EVENTSTORE_URL or the database changed, or the log was recreated). ` +
        'Nothing is folded until it is rebuilt: ledger projections rebuild counter',
    );
    await recreated.store.close();
  });
});
