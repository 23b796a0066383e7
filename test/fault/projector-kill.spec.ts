import { ALL_PROJECTIONS } from '../../projections/catalog.js';
import { readGenerations, type GenerationRecord } from '../../projections/engine/registry.js';
import { createHistory } from '../../libs/history-generator/src/generate-history.js';
import { useFaultFixture } from './support/fault-fixture.js';
import { pollUntil, PROCESS_TEST_TIMEOUT_MS, runLedger, startLedger, verifyEach, writeNdjson } from './support/ledger-process.js';
import { foldCounts, waitForProjectionsAtLogEnd } from './support/projection-progress.js';
import { compareWithFreshFold } from './support/report-drift.js';
import { query } from '../../libs/database/src/testing/query.js';

/**
 * SIGKILL of `ledger projections run` while it folds: the restarted projector resumes from the
 * checkpoints, and the read models end up exactly as a fold of the whole log from scratch.
 */
describe('kill -9 of the projector mid-batch', () => {
  const PROJECTIONS = ALL_PROJECTIONS.map((P) => new P());
  const fixture = useFaultFixture('fault_kill');

  const activeGenerations = async (): Promise<GenerationRecord[]> => {
    try {
      return (await readGenerations(fixture().database.kysely())).filter((g) => g.status === 'active');
    } catch {
      return []; // the registry does not exist before the projector's first start
    }
  };

  test(
    'the restarted projector folds every event exactly once and the reports equal a fresh fold',
    async () => {
      const history = createHistory({ commands: 6_000, accounts: 2, seed: 11 });
      const { env, database } = fixture();
      const file = fixture().file('history.ndjson');
      await writeNdjson(file, [...history.commands]);

      const imported = await runLedger(['import', file, '--no-wait'], env);
      expect([0, 3]).toContain(imported.code);
      const [{ total }] = await query<{ total: string }>(database, 'SELECT count(*)::text AS total FROM events');
      const eventCount = Number(total);

      const first = startLedger(['projections', 'run'], env);
      const behindHead = (active: GenerationRecord[]) => active.length < PROJECTIONS.length || active.some((g) => g.eventsSeen < eventCount);
      await pollUntil(
        'a projection part-way through the log',
        async () => {
          const active = await activeGenerations();
          if (!behindHead(active)) throw new Error('the projector caught up before it could be killed: import more commands');
          return active.some((g) => g.position !== null) ? true : undefined;
        },
        90_000,
        5,
      );
      first.kill('SIGKILL');
      expect((await first.exited).signal).toBe('SIGKILL');
      // What the killed process committed: it had folded some of the log, not all of it.
      const atKill = await activeGenerations();
      expect(atKill.some((g) => g.eventsSeen > 0)).toBe(true);
      expect(behindHead(atKill)).toBe(true);

      const second = startLedger(['projections', 'run'], env);
      try {
        await waitForProjectionsAtLogEnd(database, 120_000);
        const caughtUp = await activeGenerations();

        const counts = await foldCounts(database, PROJECTIONS, caughtUp, eventCount);
        expect(counts.actual).toEqual(counts.expected);
      } finally {
        second.kill('SIGTERM');
        await second.exited;
      }

      const drift = await compareWithFreshFold(database, { now: Date.now() });
      expect(drift.compared).toBeGreaterThan(20);
      expect(drift.differences).toEqual([]);
      // And the product's own audit agrees, account by account.
      const accountIds = history.accounts.map((a) => a.accountId);
      expect(await verifyEach(accountIds, env)).toEqual(accountIds.map((accountId) => ({ accountId, code: 0, differences: '' })));
    },
    PROCESS_TEST_TIMEOUT_MS,
  );
});
