import { createHistory } from '../../history-generator/src/generate-history.js';
import { storedHistory } from '../../../test/support/stored-history.js';
import type { LedgerCommand } from '../../domain/src/commands.js';
import { accountHistory, verifyChecks } from './verify.js';
import { REPORTS } from '../../reports/src/catalog.js';

/**
 * Scale check (LEDGER_SCALE=1 to run; LEDGER_SCALE_COMMANDS to size it, default 100 000): one account's
 * 90-day history from the benchmark generator, every request `ledger verify` makes replayed in memory,
 * each timed on stdout.
 */
const enabled = process.env.LEDGER_SCALE === '1';
const COMMANDS = Number(process.env.LEDGER_SCALE_COMMANDS ?? 100_000);

(enabled ? test : test.skip)(`every verify request replays a ${COMMANDS}-command account in seconds`, () => {
  const history = createHistory({ commands: COMMANDS, accounts: 1, days: 90 });
  const events = storedHistory([...history.commands] as unknown as LedgerCommand[], { onRejected: 'skip' });
  const now = Date.parse(history.options.end);
  const account = accountHistory(history.accounts[0]!.accountId, events, now);
  const timings: [string, number][] = [];
  const start = Date.now();
  for (const check of verifyChecks(REPORTS)) {
    for (const request of check.requests(account)) {
      const t = Date.now();
      check.replayed(events, request, { now, leaseMs: 900_000 });
      timings.push([request.label, Date.now() - t]);
    }
  }
  const total = Date.now() - start;
  process.stdout.write(
    `${events.length} events, ${timings.length} replays, ${total} ms in all\n${timings.map(([l, ms]) => `  ${l}: ${ms} ms`).join('\n')}\n`,
  );
  expect(timings.length).toBeGreaterThanOrEqual(30);
  expect(Math.max(...timings.map(([, ms]) => ms))).toBeLessThan(10_000);
});
