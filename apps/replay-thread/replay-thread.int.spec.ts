import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ReplayThreadData } from '../../libs/audit/src/replays/replay-messages.js';
import { ReplayThreads } from '../../libs/audit/src/replays/replay-threads.js';
import type { LedgerDatabase } from '../../libs/database/src/database.js';
import { freshTestSchema, TEST_DATABASE_URL } from '../../libs/database/src/testing/test-postgres.js';
import type { LedgerCommand } from '../../libs/domain/src/commands.js';
import { DomainError } from '../../libs/domain/src/errors.js';
import { createHistory } from '../../libs/history-generator/src/generate-history.js';
import { parseCommand } from '../../libs/ledger/src/validation/parse-command.js';
import type { WhatIfBody, ReclaimBacktestBody } from '../../libs/contracts/src/capacity.js';
import { parseReportRequest } from '../../libs/report-contract/src/report-request.js';
import { findReport, runReport } from '../../libs/reports/src/reports.service.js';
import { capacityProjection } from '../../projections/capacity.projection.js';
import { ProjectionEngine } from '../../projections/engine/projection-engine.js';
import { historyStore, type HistoryStore } from '../../test/support/history-store.js';
import { storedHistory } from '../../test/support/stored-history.js';
import { recordingLogger } from '../../test/projections/support/projection-fixture.js';

/**
 * The reports that replay history under a hypothesis (SPEC §8.1 what-if, §8.2b reclaim-backtest) on
 * the application's replay thread, against PostgreSQL: each body, computed on a thread from the
 * capacity projection's active generation through the thread's own connection, is byte for byte the
 * body the reports compute in this thread; refusals keep their SPEC code and field. The thread runs
 * the compiled script: `npm run build` first.
 */
const SCRIPT = new URL('../../dist/apps/replay-thread/replay-thread.js', import.meta.url);
const END = '2026-06-01T00:00:00Z';
const NOW = Date.parse(END);
const LEASE_MS = 900_000;
const SETTINGS = { leaseMs: LEASE_MS, activityActions: null };

describe('reports replaying history on a replay thread answer as in the server thread (PostgreSQL)', () => {
  const schema = freshTestSchema('replaying_reports');
  let database: LedgerDatabase;
  let events: HistoryStore;
  let engine: ProjectionEngine;
  let threads: ReplayThreads;
  let accountId: string;
  let orgIds: string[];

  beforeAll(async () => {
    if (!existsSync(fileURLToPath(SCRIPT))) throw new Error(`${fileURLToPath(SCRIPT)} is missing: run \`npm run build\` first`);
    const history = createHistory({ commands: 6_000, accounts: 1, users: 150, days: 120, end: END });
    const commands = [...history.commands].map((raw) => parseCommand(raw) as unknown as LedgerCommand);
    accountId = history.accounts[0]!.accountId;
    orgIds = commands.flatMap((c) => (c.type === 'CreateOrganization' ? [c.orgId] : []));
    database = await schema.open();
    const stored = storedHistory(commands, { onRejected: 'skip' });
    events = await historyStore(stored, database);
    await wholeLogVisible(events, stored.length);
    engine = new ProjectionEngine({ db: database, store: events.store, context: SETTINGS, logger: recordingLogger(), retiredGraceMs: 0 });
    engine.register(capacityProjection);
    expect((await engine.rebuild('capacity')).outcome).toBe('switched');
    const data: ReplayThreadData = { databaseUrl: TEST_DATABASE_URL, databaseSchema: schema.schema, settings: SETTINGS };
    threads = new ReplayThreads(2, data, SCRIPT);
  }, 300_000);
  afterAll(async () => {
    await threads?.close();
    await events?.close();
    await database?.close();
    await schema.drop();
  });

  /** The report in this thread (as ReportsService runs it without threads), and on a thread (as it runs with them). */
  const both = async (name: string, parameters: Record<string, string>) => {
    const definition = findReport(name);
    const all = { accountId, ...parameters };
    const here = await runReport(definition, all, { now: NOW, leaseMs: LEASE_MS, projections: engine.reader }).catch((e: unknown) => e);
    const request = parseReportRequest(all, definition);
    const onThread = await threads.run({ kind: 'replaying-report', name, request, now: NOW }).catch((e: unknown) => e);
    return { here, onThread };
  };

  const window = { from: '2026-03-01', to: '2026-05-31' };
  const whatIfs: Record<string, string>[] = [
    { product: 'KRE', ...window, interval: 'week' },
    { product: 'KRE', ...window, interval: 'day', quantity: '1' },
    { product: 'KRE', ...window, interval: 'month', quantity: '12', deniedDuration: '600' },
    { product: 'TRUETEST', ...window, interval: 'week', quantity: '2' },
  ];

  it('what-if, with and without a hypothesis, by scope: the same bytes', async () => {
    const cases = [...whatIfs, { product: 'KRE', ...window, interval: 'week', orgId: orgIds[0]!, dedications: `${orgIds[0]!}:1` }];
    const answers = await Promise.all(cases.map((parameters) => both('what-if', parameters)));
    for (const { here, onThread } of answers) expect(JSON.stringify(onThread)).toBe(JSON.stringify(bodyOf(here)));
    // Not a trivial equality: the first case replays demand, and a hypothesis changes what is refused.
    const [plain, one] = answers.map((a) => a.here as WhatIfBody);
    expect(plain!.demand).toBeGreaterThan(100);
    expect(one!.refused).toBeGreaterThan(plain!.refused);
    expect(threads.threads).toBe(2);
  }, 120_000);

  it('reclaim-backtest, by policy and scope: the same bytes', async () => {
    const cases = [
      { product: 'KSE', ...window, interval: 'week', idleDays: '7' },
      { product: 'KSE', ...window, interval: 'month', idleDays: '30' },
      { product: 'KSE', ...window, interval: 'week', idleDays: '14', orgId: orgIds[0]! },
    ];
    const answers = await Promise.all(cases.map((parameters) => both('reclaim-backtest', parameters)));
    for (const { here, onThread } of answers) expect(JSON.stringify(onThread)).toBe(JSON.stringify(bodyOf(here)));
    expect((answers[0]!.here as ReclaimBacktestBody).reclaimed).toBeGreaterThan(0);
  }, 120_000);

  it('refusals keep their SPEC code, message and field: an unknown organization, no idleDays, an unknown account', async () => {
    const cases: [string, Record<string, string>][] = [
      ['what-if', { product: 'KRE', ...window, dedications: 'no-such-org:2' }],
      ['reclaim-backtest', { product: 'KSE', ...window }],
    ];
    for (const [name, parameters] of cases) {
      const { here, onThread } = await both(name, parameters);
      expect(here).toBeInstanceOf(DomainError);
      expect(onThread).toBeInstanceOf(DomainError);
      const { code, message, errors } = here as DomainError;
      expect(onThread).toMatchObject({ code, message, errors });
    }
    const unknown = await threads
      .run({
        kind: 'replaying-report',
        name: 'what-if',
        request: parseReportRequest({ accountId: 'nobody', product: 'KRE', ...window }, findReport('what-if')),
        now: NOW,
      })
      .catch((e: unknown) => e);
    expect(unknown).toMatchObject({ code: 'NOT_FOUND' });
  }, 60_000);

  it('a report that does not replay history is refused by the thread, naming it', async () => {
    const request = parseReportRequest({ accountId, product: 'KRE', ...window }, findReport('session-usage'));
    await expect(threads.run({ kind: 'replaying-report', name: 'session-usage', request, now: NOW })).rejects.toThrow(
      /report session-usage does not replay history/,
    );
  }, 60_000);
});

/** A body, or the error that came instead (failing the test with its message). */
function bodyOf(answer: unknown): unknown {
  if (answer instanceof Error) throw answer;
  return answer;
}

/**
 * Readers see the log up to the oldest transaction still running on the server (so that they never
 * skip an append committing late), and other work on a shared server may hold one open for a while:
 * waits until the `count` events appended are all visible, so the projection folds the whole history.
 */
async function wholeLogVisible(events: HistoryStore, count: number): Promise<void> {
  const deadline = Date.now() + 120_000;
  while ((await events.store.headPosition())?.prepare !== BigInt(count)) {
    if (Date.now() > deadline)
      throw new Error(`the ${count} events appended are not all visible after 2 minutes: a transaction on the server holds them back`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
