import { performance } from 'node:perf_hooks';
import type { LedgerCommand } from '../../domain/src/commands.js';
import { accountStreamId } from '../../domain/src/streams.js';
import { parseCommand } from '../../ledger/src/validation/parse-command.js';
import { freshTestSchema } from '../../database/src/testing/test-postgres.js';
import { parseReportRequest } from '../../report-contract/src/report-request.js';
import { findReport } from '../../reports/src/reports.service.js';
import { createHistory } from '../../history-generator/src/generate-history.js';
import { historyStore, type HistoryStore } from '../../../test/support/history-store.js';
import { storedHistory } from '../../../test/support/stored-history.js';
import type { LedgerDatabase } from '../../database/src/database.js';
import { readAccountEvents } from '../../event-store/src/account-events.js';
import { assignmentsReplay } from './assignments.replay.js';
import { replayLicensesOverview } from './licenses.replay.js';
import { seatHistoryReplay } from './seat-history.replay.js';

/**
 * Opt-in benchmark of as-of answers (AS_OF_BENCH=1; AS_OF_BENCH_COMMANDS, default 200,000, one account):
 * a generated history appended to a PostgreSQL event store, then the cost of one as-of answer split
 * into reading the account's stream and replaying it, at the end of the history and half way.
 *
 *   AS_OF_BENCH=1 node --experimental-vm-modules node_modules/jest/bin/jest.js libs/audit/src/as-of.bench.spec.ts
 */
const enabled = process.env.AS_OF_BENCH === '1';
const COMMANDS = Number(process.env.AS_OF_BENCH_COMMANDS ?? 200_000);
const RUNS = 5;
const END = '2026-10-01T00:00:00Z';

(enabled ? describe : describe.skip)(`as-of answers on an account of ${COMMANDS} commands`, () => {
  const schema = freshTestSchema('asof_bench');
  let database: LedgerDatabase;
  let events: HistoryStore;
  let accountId: string;

  beforeAll(async () => {
    const history = createHistory({ commands: COMMANDS, accounts: 1, days: 120, end: END });
    const commands = [...history.commands].map((raw) => parseCommand(raw) as unknown as LedgerCommand);
    const log = storedHistory(commands, { onRejected: 'skip' });
    accountId = history.accounts[0]!.accountId;
    database = await schema.open();
    const appending = performance.now();
    events = await historyStore(log, database);
    report(`${log.length} events of ${accountId} appended in ${((performance.now() - appending) / 1000).toFixed(1)} s`);
  }, 3_600_000);
  afterAll(async () => {
    await events?.close();
    await database?.close();
    await schema.drop();
  });

  it.each([
    ['end of the history', 0],
    ['half way', 60],
  ])(
    'as of the %s',
    async (_label, daysBefore) => {
      const asOf = Date.parse(END) - daysBefore * 86_400_000;
      const timed = async <T>(work: () => T | Promise<T>): Promise<[T, string]> => {
        const samples: number[] = [];
        let result: T | undefined;
        for (let i = 0; i < RUNS; i += 1) {
          const t = performance.now();
          result = await work();
          samples.push(performance.now() - t);
        }
        samples.sort((a, b) => a - b);
        return [result!, `median ${samples[Math.floor(RUNS / 2)]!.toFixed(0)} ms`];
      };
      const [stream, read] = await timed(() => readAccountEvents(events.store, accountId, { asOf }));
      const context = { now: asOf, leaseMs: 900_000 };
      const to = new Date(asOf - 86_400_000).toISOString().slice(0, 10);
      const from = new Date(asOf - 120 * 86_400_000).toISOString().slice(0, 10);
      const history = parseReportRequest({ accountId, product: 'KSE', from, to, interval: 'day' }, findReport('seat-history'));
      const [, seatHistory] = await timed(() => seatHistoryReplay.run(stream, history, context));
      const [, assignments] = await timed(() =>
        assignmentsReplay.run(stream, parseReportRequest({ accountId, product: 'KSE' }, findReport('assignments')), context),
      );
      const [, licenses] = await timed(() => replayLicensesOverview(stream, { accountId }, context));
      report(
        `as of the ${_label}: ${stream.length} of ${(await events.store.readStream(accountStreamId(accountId))).length} events; ` +
          `read ${read}; replay seat-history day ×120 ${seatHistory}, assignments ${assignments}, licenses ${licenses}`,
      );
      expect(stream.length).toBeGreaterThan(0);
    },
    600_000,
  );
});

function report(message: string): void {
  process.stderr.write(`[as-of-bench] ${message}\n`);
}
