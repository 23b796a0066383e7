import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runCli } from '../../apps/cli/src/cli.js';
import { accountStreamId } from '../../libs/domain/src/index.js';
import { createEventStore } from '../../libs/event-store/src/create-event-store.js';
import type { StoredEvent } from '../../libs/event-store/src/event-store.js';
import { openDatabase } from '../../libs/database/src/database.js';
import { captureOutput } from '../support/capture-output.js';

/** SPEC §7, the public worked example, through `ledger import` on the embedded store. */
const EXAMPLE = resolve('../shared/examples/spec-7-worked-example.ndjson');

describe('SPEC §7 worked example through ledger import', () => {
  let dataDir: string;
  let events: StoredEvent[];
  let summary: { accepted: number; rejected: number; errors: { line: number; code: string; message: string }[] };
  let exitCode: number;

  beforeAll(async () => {
    if (!existsSync(EXAMPLE)) throw new Error(`${EXAMPLE} is missing: the tests expect ../shared beside the repository`);
    dataDir = await mkdtemp(join(tmpdir(), 'ledger-spec7-'));
    const output = captureOutput();
    exitCode = await runCli(['import', EXAMPLE], output, { LEDGER_DATA_DIR: dataDir });
    summary = JSON.parse(output.lastLine());
    const database = await openDatabase({ dataDir });
    const store = await createEventStore({ database });
    events = await store.readStream(accountStreamId('acme'));
    await store.close();
    await database.close();
  });

  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  const ofType = (type: string) => events.filter((e) => e.type === type);
  const byCommand = (commandId: string) => events.filter((e) => e.metadata.commandId === commandId).map((e) => e.type);

  test('two lines are rejected with the stated codes, the other 37 applied (exit 3)', () => {
    expect(exitCode).toBe(3);
    expect(summary).toEqual({
      accepted: 37,
      rejected: 2,
      errors: [
        { line: 11, code: 'LICENSE_QUOTA_EXCEEDED', message: 'The number of the licenses cannot exceed the license quota' },
        { line: 25, code: 'CONCURRENCY_LIMIT_REACHED', message: expect.any(String) },
      ],
    });
  });

  test('#4 and #6: u2 draws from mobile, u1 from qa; #5 appended nothing', () => {
    expect(byCommand('ex7-010')).toEqual(['SeatAssigned']);
    expect(byCommand('ex7-011')).toEqual([]);
    const sources = Object.fromEntries(ofType('SeatAssigned').map((e) => [e.metadata.commandId, e.data.licenseSource]));
    expect(sources).toEqual({ 'ex7-010': 'mobile', 'ex7-012': 'qa', 'ex7-016': 'qa' });
  });

  test('#7, #8: the first logins activate; #10: the re-assigned u1 is not activated', () => {
    expect(byCommand('ex7-013')).toEqual(['UserLoggedIn', 'SeatActivated']);
    expect(byCommand('ex7-014')).toEqual(['UserLoggedIn', 'SeatActivated']);
    expect(byCommand('ex7-015')).toEqual(['SeatUnassigned']);
    expect(byCommand('ex7-016')).toEqual(['SeatAssigned']);
    const lastActivation = ofType('SeatActivated').at(-1)!;
    expect(lastActivation.streamRevision).toBeLessThan(ofType('SeatAssigned').at(-1)!.streamRevision);
  });

  test('s4, tried while s1 and s2 are open, is denied and recorded; s3 starts as s1 ends', () => {
    expect(byCommand('ex7-025')).toEqual(['SessionDenied']);
    expect(ofType('SessionDenied')[0].data).toMatchObject({ sessionId: 's4', userId: 'u3', reason: 'CONCURRENCY_LIMIT_REACHED' });
    expect(ofType('SessionStarted').map((e) => e.data.sessionId)).toEqual(['s1', 's2', 's3']);
    expect(ofType('SessionExpired')).toEqual([]);
  });

  test('every event carries the metadata of SPEC §3', () => {
    for (const e of events) {
      expect(e.metadata).toEqual({
        commandId: expect.stringMatching(/^ex7-\d{3}$/),
        correlationId: expect.any(String),
        causationId: null,
        actor: 'cli',
        occurredAt: expect.any(String),
        recordedAt: expect.any(String),
        schemaVersion: 1,
      });
    }
  });

  async function cli(...argv: string[]): Promise<any> {
    const output = captureOutput();
    const code = await runCli(argv, output, { LEDGER_DATA_DIR: dataDir });
    if (code !== 0) throw new Error(`ledger ${argv.join(' ')} exited ${code}: ${output.err()}`);
    return JSON.parse(output.out());
  }
  const metrics = (body: { buckets: Record<string, unknown>[] }, ...names: string[]) =>
    body.buckets.map((b) => Object.fromEntries(names.map((n) => [n, b[n]])));

  test('seat-history by month: account, qa and mobile as SPEC §7 states', async () => {
    const range = ['--product', 'KSE', '--from', '2026-01-01', '--to', '2026-02-28', '--interval', 'month'];
    const account = await cli('report', 'seat-history', '--account', 'acme', ...range);
    expect(account.timezone).toBe('America/New_York');
    expect(account.asOfPosition).toEqual(expect.any(String));
    expect(metrics(account, 'purchased', 'assigned', 'activated')).toEqual([
      { purchased: 5, assigned: 2, activated: 2 },
      { purchased: 5, assigned: 2, activated: 1 },
    ]);
    const qa = await cli('report', 'seat-history', '--account', 'acme', '--org', 'qa', ...range);
    expect(metrics(qa, 'purchased', 'assigned', 'activated')).toEqual([
      { purchased: 3, assigned: 2, activated: 2 },
      { purchased: 3, assigned: 2, activated: 1 },
    ]);
    const mobile = await cli('report', 'seat-history', '--account', 'acme', '--org', 'mobile', ...range);
    expect(metrics(mobile, 'purchased', 'assigned', 'activated')).toEqual([
      { purchased: 1, assigned: 1, activated: 1 },
      { purchased: 1, assigned: 1, activated: 1 },
    ]);
  });

  test('seat-usage by day: one active user on 2026-01-06 and one on 2026-01-07', async () => {
    const body = await cli(
      'report',
      'seat-usage',
      '--account',
      'acme',
      '--product',
      'KSE',
      '--from',
      '2026-01-06',
      '--to',
      '2026-01-07',
      '--interval',
      'day',
    );
    expect(metrics(body, 'activeUsers')).toEqual([{ activeUsers: 1 }, { activeUsers: 1 }]);
  });

  test('session-usage on 2026-03-02: 2 available, peak 2, 1 denied, average peak 0.17', async () => {
    const body = await cli(
      'report',
      'session-usage',
      '--account',
      'acme',
      '--product',
      'KRE',
      '--from',
      '2026-03-02',
      '--to',
      '2026-03-02',
      '--interval',
      'day',
    );
    expect(metrics(body, 'availableSessions', 'peakUsage', 'averagePeak', 'denied')).toEqual([
      { availableSessions: 2, peakUsage: 2, averagePeak: 0.17, denied: 1 },
    ]);
  });

  test('the license overview shows the pools of the worked example', async () => {
    const body = await cli('licenses', '--account', 'acme', '--product', 'KSE');
    const scopes = Object.fromEntries(body.products[0].scopes.map((s: any) => [s.scope, [s.dedicated, s.pool, s.used, s.available]]));
    expect(scopes).toEqual({ account: [5, 2, 0, 2], qa: [3, 2, 1, 1], mobile: [1, 1, 1, 0] });
  });

  test('importing the same file again appends nothing and answers the first outcomes', async () => {
    const output = captureOutput();
    expect(await runCli(['import', EXAMPLE], output, { LEDGER_DATA_DIR: dataDir })).toBe(3);
    expect(JSON.parse(output.lastLine())).toEqual(summary);
    const database = await openDatabase({ dataDir });
    const store = await createEventStore({ database });
    const after = await store.readStream(accountStreamId('acme'));
    await store.close();
    await database.close();
    expect(after).toHaveLength(events.length);
  });

  describe('as of an instant (SPEC §5): ledger report --as-of, ledger licenses --as-of', () => {
    const users = (body: { rows: { userId: string; activated: boolean }[] }) => body.rows.map((r) => [r.userId, r.activated]);

    test('licenses as of 2026-01-06T13:01:30Z: mobile full (used 1, available 0) when u3 was refused', async () => {
      const body = await cli('licenses', '--account', 'acme', '--product', 'KSE', '--as-of', '2026-01-06T13:01:30Z');
      expect(body.asOf).toBe('2026-01-06T13:01:30.000Z');
      const scopes = Object.fromEntries(body.products[0].scopes.map((s: any) => [s.scope, [s.dedicated, s.pool, s.used, s.available]]));
      expect(scopes).toEqual({ account: [5, 2, 0, 2], qa: [3, 2, 0, 2], mobile: [1, 1, 1, 0] });
    });

    test('assignments as of 12:01Z on 2026-02-10: u1 unassigned; as of 12:06Z: u1 re-assigned, not activated', async () => {
      const assignments = (asOf: string) =>
        cli('report', 'assignments', '--account', 'acme', '--product', 'KSE', '--sort', 'userId', '--as-of', asOf);
      expect(users(await assignments('2026-02-10T11:59:00Z'))).toEqual([
        ['u1', true],
        ['u2', true],
      ]);
      expect(users(await assignments('2026-02-10T12:01:00Z'))).toEqual([['u2', true]]);
      expect(users(await assignments('2026-02-10T12:06:00Z'))).toEqual([
        ['u1', false],
        ['u2', true],
      ]);
    });

    test('seat-history as of the end of February: the SPEC §7 months; CSV too', async () => {
      const range = [
        '--account',
        'acme',
        '--product',
        'KSE',
        '--from',
        '2026-01-01',
        '--to',
        '2026-02-28',
        '--interval',
        'month',
        '--as-of',
        '2026-03-01T05:00:00Z',
      ];
      expect(metrics(await cli('report', 'seat-history', ...range), 'purchased', 'assigned', 'activated')).toEqual([
        { purchased: 5, assigned: 2, activated: 2 },
        { purchased: 5, assigned: 2, activated: 1 },
      ]);
      const output = captureOutput();
      expect(await runCli(['report', 'seat-history', ...range, '--format', 'csv'], output, { LEDGER_DATA_DIR: dataDir })).toBe(0);
      expect(output.out()).toBe(
        'start,end,purchased,assigned,activated\r\n' +
          '2026-01-01T00:00:00.000-05:00,2026-02-01T00:00:00.000-05:00,5,2,2\r\n' +
          '2026-02-01T00:00:00.000-05:00,2026-03-01T00:00:00.000-05:00,5,2,1\r\n',
      );
    });

    test('--as-of in the future: exit 2 naming the flag', async () => {
      const output = captureOutput();
      expect(await runCli(['licenses', '--account', 'acme', '--as-of', '2099-01-01T00:00:00Z'], output, { LEDGER_DATA_DIR: dataDir })).toBe(2);
      expect(output.err()).toContain('asOf: must not be after now');
      const report = captureOutput();
      expect(
        await runCli(['report', 'assignments', '--account', 'acme', '--product', 'KSE', '--as-of', '2099-01-01T00:00:00Z'], report, {
          LEDGER_DATA_DIR: dataDir,
        }),
      ).toBe(2);
      expect(report.err()).toContain('--as-of: must not be after now');
    });

    test('a command imported after T does not change the answer as of T', async () => {
      const asOf = ['report', 'assignments', '--account', 'acme', '--product', 'KSE', '--sort', 'userId', '--as-of', '2026-02-10T12:06:00Z'];
      const before = await cli(...asOf);
      const later = join(dataDir, 'later.ndjson');
      await writeFile(
        later,
        `${JSON.stringify({ type: 'UnassignSeat', accountId: 'acme', at: '2026-03-03T09:00:00Z', product: 'KSE', userId: 'u2' })}\n`,
      );
      const output = captureOutput();
      expect(await runCli(['import', later], output, { LEDGER_DATA_DIR: dataDir })).toBe(0);
      expect(await cli(...asOf)).toEqual(before);
      expect(users(await cli('report', 'assignments', '--account', 'acme', '--product', 'KSE', '--sort', 'userId'))).toEqual([['u1', false]]);
    });
  });
});
