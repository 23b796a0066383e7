import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { LedgerCommand } from '../../../domain/src/commands.js';
import { DomainError } from '../../../domain/src/errors.js';
import { parseCommand } from '../../../ledger/src/validation/parse-command.js';
import type { LedgerDatabase } from '../../../database/src/database.js';
import { freshTestSchema, TEST_DATABASE_URL } from '../../../database/src/testing/test-postgres.js';
import { createHistory } from '../../../history-generator/src/generate-history.js';
import { parseReportRequest } from '../../../report-contract/src/report-request.js';
import { findReport } from '../../../reports/src/reports.service.js';
import type { LicensesOverview, SeriesBody } from '../../../contracts/src/index.js';
import { historyStore, type HistoryStore } from '../../../../test/support/history-store.js';
import { storedHistory } from '../../../../test/support/stored-history.js';
import { REPLAYED_REPORTS } from '../catalog.js';
import { parseLicensesExplainRequest } from '../explain/licenses-explain.js';
import { parseSeriesExplainRequest } from '../explain/series-explain.js';
import type { ReplayThreadData } from './replay-messages.js';
import { replayInThread, type ReplayRunner, type ReplayTask } from './replay-tasks.js';
import { ReplayThreads } from './replay-threads.js';

/**
 * Replay threads (SPEC §5 replays off the event loop) against PostgreSQL: every task answered on a
 * thread, through its own connection, equals the same task replayed in this thread — bodies, errors
 * and their codes. The thread runs the compiled script: `npm run build` first.
 */
const SCRIPT = new URL('../../../../dist/apps/replay-thread/replay-thread.js', import.meta.url);
const END = '2026-06-01T00:00:00Z';
const NOW = Date.parse(END);
const AS_OF = '2026-04-15T12:00:00Z';
const SETTINGS = { leaseMs: 900_000, activityActions: null };

describe('replay threads answer as the server thread does (PostgreSQL)', () => {
  const schema = freshTestSchema('replay_threads');
  let database: LedgerDatabase;
  let events: HistoryStore;
  let accountId: string;
  let inThread: ReplayRunner;
  let threads: ReplayThreads;

  beforeAll(async () => {
    if (!existsSync(fileURLToPath(SCRIPT))) throw new Error(`${fileURLToPath(SCRIPT)} is missing: run \`npm run build\` first`);
    const history = createHistory({ commands: 4_000, accounts: 1, users: 120, days: 90, end: END });
    const commands = [...history.commands].map((raw) => parseCommand(raw) as unknown as LedgerCommand);
    accountId = history.accounts[0]!.accountId;
    database = await schema.open();
    events = await historyStore(storedHistory(commands, { onRejected: 'skip' }), database);
    inThread = replayInThread(events.store, SETTINGS);
    const data: ReplayThreadData = { databaseUrl: TEST_DATABASE_URL, databaseSchema: schema.schema, settings: SETTINGS };
    threads = new ReplayThreads(2, data, SCRIPT);
  }, 300_000);
  afterAll(async () => {
    await threads?.close();
    await events?.close();
    await database?.close();
    await schema.drop();
  });

  /**
   * Every replayed report of the catalog as of AS_OF (the API takes asOf for some of them; verify
   * replays them all), each product it takes, series by week.
   */
  const asOfReports = (): ReplayTask[] =>
    REPLAYED_REPORTS.flatMap(({ name }) => {
      const definition = findReport(name);
      return definition.products.slice(0, 2).map((product) => {
        const series = definition.shape === 'series' ? { from: '2026-03-01', to: '2026-04-15', interval: 'week' } : {};
        const request = { ...parseReportRequest({ accountId, product, ...series }, definition), asOf: AS_OF };
        return { kind: 'as-of-report', name, request, now: NOW } as const;
      });
    });

  it('every as-of report and the license overview: the same bodies', async () => {
    const tasks: ReplayTask[] = [...asOfReports(), { kind: 'as-of-licenses', request: { accountId, asOf: AS_OF }, now: NOW }];
    expect(tasks.length).toBeGreaterThan(REPLAYED_REPORTS.length);
    // All at once: two threads, the others wait their turn.
    const onThreads = await Promise.all(tasks.map((task) => threads.run(task)));
    for (const [i, task] of tasks.entries()) expect(onThreads[i]).toEqual(await inThread.run(task));
    expect((onThreads.at(-1) as LicensesOverview).products.length).toBeGreaterThan(0);
    expect(threads.threads).toBe(2);
  }, 120_000);

  it('explain of a series bucket and of a license figure as of an instant: the same explanations', async () => {
    const seatHistory = findReport('seat-history');
    const parameters = { accountId, product: 'KSE', from: '2026-03-01', to: '2026-05-31', interval: 'month' };
    const projected = (await inThread.run({
      kind: 'as-of-report',
      name: 'seat-history',
      request: parseReportRequest({ ...parameters, asOf: END }, seatHistory),
      now: NOW,
    })) as SeriesBody;
    const tasks: ReplayTask[] = [
      {
        kind: 'explain-series',
        request: parseSeriesExplainRequest('seat-history', { ...parameters, bucket: projected.buckets![1]!.start, metric: 'assigned' }),
        projected,
        now: NOW,
      },
      {
        kind: 'explain-licenses',
        request: parseLicensesExplainRequest({ accountId, product: 'KSE', scope: 'account', metric: 'used', asOf: AS_OF }),
        now: NOW,
      },
    ];
    for (const task of tasks) expect(await threads.run(task)).toEqual(await inThread.run(task));
  }, 120_000);

  it('refusals keep their SPEC code and field: NOT_FOUND, VALIDATION_FAILED', async () => {
    const unknown: ReplayTask = { kind: 'as-of-licenses', request: { accountId: 'nobody', asOf: AS_OF }, now: NOW };
    const future: ReplayTask = { kind: 'as-of-licenses', request: { accountId, asOf: '2027-01-01T00:00:00Z' }, now: NOW };
    for (const task of [unknown, future]) {
      const expected = await inThread.run(task).catch((error: unknown) => error);
      expect(expected).toBeInstanceOf(DomainError);
      const error = await threads.run(task).catch((failure: unknown) => failure);
      expect(error).toBeInstanceOf(DomainError);
      expect(error).toMatchObject({
        code: (expected as DomainError).code,
        message: (expected as DomainError).message,
        errors: (expected as DomainError).errors,
      });
    }
  }, 60_000);

  it('a thread that cannot start fails its task with the reason, and so does the next one', async () => {
    const broken = new ReplayThreads(1, { databaseUrl: TEST_DATABASE_URL, settings: SETTINGS }, new URL('./no-such-replay-thread.js', SCRIPT));
    const task: ReplayTask = { kind: 'as-of-licenses', request: { accountId, asOf: AS_OF }, now: NOW };
    try {
      await expect(broken.run(task)).rejects.toThrow(/a replay thread failed: .*no-such-replay-thread/);
      await expect(broken.run(task)).rejects.toThrow(/a replay thread failed/);
      expect(broken.threads).toBe(0);
    } finally {
      await broken.close();
    }
    await expect(broken.run(task)).rejects.toThrow('replay threads are closed');
  }, 60_000);
});
