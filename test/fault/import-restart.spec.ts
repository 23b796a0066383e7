import type { LedgerDatabase } from '../../libs/database/src/database.js';
import { createHistory } from '../../libs/history-generator/src/generate-history.js';
import { useFaultFixture } from './support/fault-fixture.js';
import { pollUntil, PROCESS_TEST_TIMEOUT_MS, runLedger, startLedger, writeNdjson } from './support/ledger-process.js';
import { query } from '../../libs/database/src/testing/query.js';

/** Events per commandId, and how many appends (transactions) wrote them. */
async function eventsByCommand(database: LedgerDatabase): Promise<Map<string, { events: number; appends: number }>> {
  const rows = await query<{ id: string; events: string; appends: string }>(
    database,
    `SELECT metadata->>'commandId' AS id, count(*)::text AS events, count(DISTINCT transaction_id)::text AS appends
     FROM events WHERE metadata->>'commandId' IS NOT NULL GROUP BY 1`,
  );
  return new Map(rows.map((r) => [r.id, { events: Number(r.events), appends: Number(r.appends) }]));
}

/**
 * SIGKILL of `ledger import` part-way through a file whose commands carry commandIds, then the same
 * file again: the log ends up as if the file had been imported once, without the interruption.
 */
describe('restart in the middle of ledger import', () => {
  const interrupted = useFaultFixture('fault_import');
  const reference = useFaultFixture('fault_import_ref');

  test(
    'every command is appended exactly once and the second run accounts for every line',
    async () => {
      const commands = [...createHistory({ commands: 4_000, accounts: 2, seed: 23 }).commands];
      expect(commands.every((c) => typeof c.commandId === 'string')).toBe(true);
      const file = interrupted().file('history.ndjson');
      await writeNdjson(file, commands);

      const referenceRun = await runLedger(['import', file, '--no-wait'], reference().env);
      const referenceSummary = JSON.parse(referenceRun.stdout.trim().split('\n').at(-1)!);
      const expected = await eventsByCommand(reference().database);

      const { env, database } = interrupted();
      const first = startLedger(['import', file, '--no-wait'], env);
      await pollUntil(
        'the first import to append',
        async () => {
          try {
            const [{ n }] = await query<{ n: string }>(database, 'SELECT count(*)::text AS n FROM events');
            return Number(n) > 0 ? true : undefined;
          } catch {
            return undefined; // tables not created yet
          }
        },
        90_000,
        5,
      );
      first.kill('SIGKILL');
      expect((await first.exited).signal).toBe('SIGKILL');
      const atKill = await eventsByCommand(database);
      expect(atKill.size).toBeGreaterThan(0);
      expect(atKill.size).toBeLessThan(expected.size);

      const second = await runLedger(['import', file, '--no-wait'], env);
      expect([0, 3]).toContain(second.code);
      const summary = JSON.parse(second.stdout.trim().split('\n').at(-1)!);
      expect(summary.accepted + summary.rejected).toBe(commands.length);
      expect({ accepted: summary.accepted, rejected: summary.rejected }).toEqual({
        accepted: referenceSummary.accepted,
        rejected: referenceSummary.rejected,
      });

      const after = await eventsByCommand(database);
      expect([...after.values()].filter((c) => c.appends !== 1)).toEqual([]);
      expect(Object.fromEntries(after)).toEqual(Object.fromEntries(expected));
    },
    PROCESS_TEST_TIMEOUT_MS,
  );
});
