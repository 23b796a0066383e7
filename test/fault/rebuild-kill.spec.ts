import { ALL_PROJECTIONS } from '../../projections/catalog.js';
import { readGenerations, type GenerationRecord } from '../../projections/engine/registry.js';
import { createHistory } from '../../libs/history-generator/src/generate-history.js';
import { query } from '../../libs/database/src/testing/query.js';
import { useFaultFixture } from './support/fault-fixture.js';
import { pollUntil, PROCESS_TEST_TIMEOUT_MS, runLedger, startLedger, writeNdjson } from './support/ledger-process.js';
import { compareWithFreshFold } from './support/report-drift.js';

/**
 * SIGKILL of `ledger projections rebuild` (every projection, one pass over the log) half-way: the
 * active generations go on serving, and rebuilding again resumes each new generation from its own
 * checkpoint, switches, and ends with the read models of a fresh fold of the whole log.
 */
describe('kill -9 of the one-pass rebuild', () => {
  const NAMES = ALL_PROJECTIONS.map((P) => new P().name);
  const fixture = useFaultFixture('fault_rebuild');

  const generations = async (status: GenerationRecord['status']): Promise<GenerationRecord[]> =>
    (await readGenerations(fixture().database.kysely())).filter((g) => g.status === status);

  test(
    'the old generations serve meanwhile; the next rebuild resumes, switches every projection, and matches a fresh fold',
    async () => {
      const { env, database } = fixture();
      const file = fixture().file('history.ndjson');
      await writeNdjson(file, [...createHistory({ commands: 6_000, accounts: 2, seed: 17 }).commands]);
      expect([0, 3]).toContain((await runLedger(['import', file, '--no-wait'], env)).code);
      const [{ total }] = await query<{ total: number }>(database, 'SELECT count(*)::int AS total FROM events');
      const first = await runLedger(['projections', 'rebuild'], env);
      expect(first.code).toBe(0);
      expect((await generations('active')).map((g) => [g.name, g.generation, g.eventsSeen])).toEqual(
        [...NAMES].sort().map((name) => [name, 1, total]),
      );

      // Small batches, so that the pass is many transactions and can be killed between two of them.
      const rebuild = startLedger(['projections', 'rebuild'], { ...env, REBUILD_BATCH_SIZE: '200' });
      await pollUntil(
        'every projection part-way through the log',
        async () => {
          const building = await generations('building');
          if (building.some((g) => g.eventsSeen === total))
            throw new Error('the pass got to the end before it could be killed: import more commands');
          return building.length === NAMES.length && building.every((g) => g.eventsSeen > 0) ? true : undefined;
        },
        90_000,
        5,
      );
      rebuild.kill('SIGKILL');
      expect((await rebuild.exited).signal).toBe('SIGKILL');
      // Killed between batches: each new generation holds what it committed, the old ones still serve.
      const atKill = await generations('building');
      expect(atKill.every((g) => g.generation === 2 && g.eventsSeen > 0 && g.eventsSeen < total)).toBe(true);
      expect((await generations('active')).map((g) => g.generation)).toEqual(NAMES.map(() => 1));

      const resumed = await runLedger(['projections', 'rebuild'], env);
      expect({ code: resumed.code, stderr: resumed.code === 0 ? '' : resumed.stderr }).toEqual({ code: 0, stderr: '' });
      for (const name of NAMES) expect(resumed.stdout).toMatch(new RegExp(`^${name}: generation 2 active, generation 1 dropped`, 'm'));
      const active = await generations('active');
      for (const projection of ALL_PROJECTIONS.map((P) => new P())) {
        const [{ n }] = await query<{ n: number }>(database, 'SELECT count(*)::int AS n FROM events WHERE type = ANY($1::text[])', [
          [...projection.eventTypes],
        ]);
        const generation = active.find((g) => g.name === projection.name)!;
        expect([projection.name, generation.generation, generation.eventsSeen, generation.eventsFolded]).toEqual([projection.name, 2, total, n]);
      }

      const drift = await compareWithFreshFold(database, { now: Date.now() });
      expect(drift.compared).toBeGreaterThan(20);
      expect(drift.differences).toEqual([]);
    },
    PROCESS_TEST_TIMEOUT_MS,
  );
});
