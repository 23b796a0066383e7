import type { NestExpressApplication } from '@nestjs/platform-express';
import { DateTime } from 'luxon';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../apps/api/src/create-app.js';
import { ApiKeyStore } from '../../libs/auth/src/api-keys.js';
import { countsAsActivity, type ActivityActions } from '../../libs/domain/src/activity-rules.js';
import { CommandGateway, type ClientCommand } from '../../libs/ledger/src/command-gateway.js';
import { loadConfig } from '../../libs/platform/src/config.js';
import { parseCommand } from '../../libs/ledger/src/validation/parse-command.js';
import { createHistory, type HistoryCommand } from '../../libs/history-generator/src/generate-history.js';
import { freshTestSchema, TEST_DATABASE_URL, type TestSchema } from '../../libs/database/src/testing/test-postgres.js';
import { ProjectionEngine } from '../../projections/engine/projection-engine.js';
import { ProjectionReader } from '../../projections/engine/projection-reader.js';

/**
 * Ops change a rule (SPEC §5) by restarting with other configuration: the projections that depend on
 * it rebuild in the background while their old generation keeps answering, then switch. Reports are
 * asked in a loop throughout, against the real PostgreSQL server and the HTTP app.
 */

const PRODUCT = 'KSE';
const COUNTED = ['run-test-suite', 'triage-failure'];
const REBUILT = ['seat-usage', 'assignments'] as const;
/** Not reports of this test, but rebuilt by the rule change too: alerts lapse with leases; capacity counts activity (ACTIVITY_ACTIONS). */
const ALSO_REBUILT: readonly string[] = ['alerts', 'capacity'];

interface Running {
  readonly app: NestExpressApplication;
  readonly url: string;
}

interface Sample {
  readonly report: (typeof REBUILT)[number];
  readonly status: number;
  /** Active generation of the report's projection looked up before and after the request. */
  readonly before: number;
  readonly after: number;
  readonly body: unknown;
}

describe('a rule change goes through a rebuild while reports keep answering (PostgreSQL, HTTP)', () => {
  let schema: TestSchema;
  let running: Running | undefined;

  beforeAll(() => {
    schema = freshTestSchema('rules');
  });
  afterAll(async () => {
    await running?.app.close();
    await schema.drop();
  });

  async function start(env: NodeJS.ProcessEnv): Promise<Running> {
    // It polls the reports as fast as they answer: no rate limit per key here.
    const config = loadConfig({ DATABASE_URL: TEST_DATABASE_URL, DATABASE_SCHEMA: schema.schema, RATE_LIMIT_REQUESTS: '0', ...env });
    const app = await createApp(config, { logger: false });
    await app.listen(0, '127.0.0.1');
    return { app, url: `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}` };
  }

  test('ACTIVITY_ACTIONS and SESSION_LEASE_SECONDS: old numbers until the switch, new ones after, never an error', async () => {
    running = await start({});
    const history = createHistory({ commands: 12_000, accounts: 1, users: 150, days: 40, end: new Date(Date.now() - 60_000).toISOString() });
    const [{ accountId }] = history.accounts;
    const accepted = await load(running.app, [...history.commands]);
    // A time zone change late in the history: the rebuild must fold it as the live generation did.
    const timezone = 'Pacific/Auckland';
    accepted.push(...(await load(running.app, [{ type: 'ChangeAccountTimezone', accountId, timezone } as unknown as HistoryCommand])));
    await caughtUp(running.app);

    const token = (await running.app.get(ApiKeyStore).create({ accountId, role: 'account-admin' })).token;
    // Hours: activity follows a login within the day, so whole days or months would not tell the rules apart.
    // The window ends yesterday: no bucket grows with the clock while the test runs.
    const from = DateTime.now().setZone(timezone).minus({ days: 3 }).toISODate()!;
    const to = DateTime.now().setZone(timezone).minus({ days: 1 }).toISODate()!;
    const paths = {
      'seat-usage': `/v1/accounts/${accountId}/reports/seat-usage?product=${PRODUCT}&from=${from}&to=${to}&interval=hour`,
      assignments: `/v1/accounts/${accountId}/reports/assignments?product=${PRODUCT}&pageSize=1000&sort=userId`,
    };
    const ask = async (url: string, report: (typeof REBUILT)[number]) => {
      const response = await fetch(`${url}${paths[report]}`, { headers: { authorization: `Bearer ${token}` } });
      return { status: response.status, body: numbersOf(report, await response.json()) };
    };

    const old = { 'seat-usage': await ask(running.url, 'seat-usage'), assignments: await ask(running.url, 'assignments') };
    expect(old['seat-usage']).toEqual({ status: 200, body: expectedSeatUsage(accepted, timezone, from, to, null) });
    expect(old.assignments).toEqual({ status: 200, body: expectedLastActiveUse(accepted, old.assignments.body as Row[], null) });
    const generationsBefore = await generations(running.app);
    await running.app.close();

    // Small rebuild transactions: the rebuild lasts long enough to be asked during it.
    running = await start({ ACTIVITY_ACTIONS: COUNTED.join(','), SESSION_LEASE_SECONDS: '60', REBUILD_BATCH_SIZE: '200' });
    const { app, url } = running;
    const reader = app.get(ProjectionReader);
    const samples: Sample[] = [];
    let switched = false;
    const answeredAfterSwitch = (report: Sample['report']) =>
      samples.filter((s) => s.report === report && s.before === generationsBefore[report] + 1).length;
    const poll = (async () => {
      while (!switched || REBUILT.some((report) => answeredAfterSwitch(report) < 3)) {
        for (const report of REBUILT) {
          const before = (await reader.reader(report)).generation;
          const { status, body } = await ask(url, report);
          samples.push({ report, status, before, after: (await reader.reader(report)).generation, body });
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    const engine = app.get(ProjectionEngine);
    await waitFor(async () =>
      (await engine.status()).every(
        (s) =>
          s.status === 'active' &&
          s.lagEvents === 0 &&
          s.generation === generationsBefore[s.name] + (REBUILT.includes(s.name as never) || ALSO_REBUILT.includes(s.name) ? 1 : 0),
      ),
    );
    switched = true;
    await poll;

    expect(samples.filter((s) => s.status !== 200)).toEqual([]);
    const fresh = {
      'seat-usage': expectedSeatUsage(accepted, timezone, from, to, COUNTED),
      assignments: expectedLastActiveUse(accepted, old.assignments.body as Row[], COUNTED),
    };
    for (const report of REBUILT) {
      expect(fresh[report]).not.toEqual(old[report].body);
      const during = samples.filter((s) => s.report === report && s.after === generationsBefore[report]);
      const after = samples.filter((s) => s.report === report && s.before === generationsBefore[report] + 1);
      // The rebuild took long enough to be asked during it.
      expect(during.length).toBeGreaterThan(0);
      expect(after.length).toBeGreaterThanOrEqual(3);
      for (const sample of during) expect(sample.body).toEqual(old[report].body);
      for (const sample of after) expect(sample.body).toEqual(fresh[report]);
    }
    // No report projection folds by the lease (reports apply it when read): the others kept their generation. The
    // alert processor does (an alert ends when a lease lapses, as the log is folded), so it was rebuilt too.
    const status = await engine.status();
    expect(Object.fromEntries(status.map((s) => [s.name, s.generation]))).toEqual(
      Object.fromEntries(
        Object.entries(generationsBefore).map(([name, generation]) => [
          name,
          REBUILT.includes(name as never) || ALSO_REBUILT.includes(name) ? generation + 1 : generation,
        ]),
      ),
    );
    expect(Object.fromEntries(status.map((s) => [s.name, s.rules]))).toMatchObject({
      'seat-usage': { activityActions: COUNTED },
      assignments: { activityActions: COUNTED },
      sessions: {},
      licenses: {},
    });
  }, 900_000);
});

type Row = { userId: string; lastActiveUse: string | null };

/** What the rule changes: seat-usage's buckets; each seat holder's lastActiveUse. */
function numbersOf(report: (typeof REBUILT)[number], body: unknown): unknown {
  if (report === 'seat-usage') {
    return (body as { buckets: { start: string; activeUsers: number }[] }).buckets.map(({ start, activeUsers }) => ({ start, activeUsers }));
  }
  return (body as { rows: Row[] }).rows.map(({ userId, lastActiveUse }) => ({ userId, lastActiveUse }));
}

/** Applies the commands through the ledger, answering those it accepted. */
async function load(app: NestExpressApplication, commands: readonly HistoryCommand[]): Promise<HistoryCommand[]> {
  const gateway = app.get(CommandGateway);
  const accepted: HistoryCommand[] = [];
  for (let i = 0; i < commands.length; i += 1_000) {
    const chunk = commands.slice(i, i + 1_000);
    const results = await gateway.executeMany(
      chunk.map((c) => parseCommand(c) as ClientCommand),
      { actor: 'cli' },
    );
    results.forEach((result, j) => {
      if (result.ok) accepted.push({ ...chunk[j], at: result.outcome.events[0]?.occurredAt ?? chunk[j].at });
    });
  }
  return accepted;
}

/** Uses of the product that count under `actions`, straight from the accepted commands. */
function uses(accepted: readonly HistoryCommand[], actions: ActivityActions): { userId: string; at: string }[] {
  return accepted
    .filter(
      (c) =>
        c.product === PRODUCT &&
        (c.type === 'RecordLogin' || c.type === 'StartSession' || (c.type === 'RecordActivity' && countsAsActivity(String(c.action), actions))),
    )
    .map((c) => ({ userId: String(c.userId), at: c.at }));
}

/** Distinct active users per hour of the window [from, to + 1 day), in the account's zone. */
function expectedSeatUsage(
  accepted: readonly HistoryCommand[],
  zone: string,
  from: string,
  to: string,
  actions: ActivityActions,
): { start: string; activeUsers: number }[] {
  const active = new Map<number, Set<string>>();
  for (const { userId, at } of uses(accepted, actions)) {
    const hour = DateTime.fromISO(at, { zone }).startOf('hour').toMillis();
    if (!active.has(hour)) active.set(hour, new Set());
    active.get(hour)!.add(userId);
  }
  const buckets: { start: string; activeUsers: number }[] = [];
  const end = DateTime.fromISO(to, { zone }).plus({ days: 1 });
  for (let start = DateTime.fromISO(from, { zone }); start < end; start = start.plus({ hours: 1 })) {
    buckets.push({ start: start.toISO()!, activeUsers: active.get(start.toMillis())?.size ?? 0 });
  }
  return buckets;
}

function expectedLastActiveUse(accepted: readonly HistoryCommand[], rows: readonly Row[], actions: ActivityActions): Row[] {
  const latest = new Map<string, string>();
  for (const { userId, at } of uses(accepted, actions)) latest.set(userId, at);
  return rows.map(({ userId }) => ({ userId, lastActiveUse: latest.has(userId) ? new Date(latest.get(userId)!).toISOString() : null }));
}

async function caughtUp(app: NestExpressApplication): Promise<void> {
  await waitFor(async () => (await app.get(ProjectionEngine).status()).every((s) => s.status === 'active' && s.lagEvents === 0));
}

async function generations(app: NestExpressApplication): Promise<Record<string, number>> {
  return Object.fromEntries((await app.get(ProjectionEngine).status()).map((s) => [s.name, s.generation ?? 0]));
}

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 600_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`not reached within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
