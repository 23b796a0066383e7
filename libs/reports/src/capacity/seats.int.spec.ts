import type { LedgerCommand } from '../../../domain/src/commands.js';
import { cmd } from '../../../domain/src/testing/decider-spec.js';
import { storedHistory } from '../../../../test/support/stored-history.js';
import { capacityProjection } from '../../../../projections/capacity.projection.js';
import { seatHistoryProjection } from '../../../../projections/seat-history.projection.js';
import { runReport } from '../reports.service.js';
import { projectionHarness, type ProjectionHarness } from '../testing/projection-harness.js';
import type { SeriesBody, TableBody } from '../report-definition.js';
import { seatHistoryReport } from '../seat/seat-history.report.js';
import type { ReclaimBacktestBody } from './bodies.js';
import { idleSeatsReport } from './idle-seats.report.js';
import { reclaimBacktestReport } from './reclaim-backtest.report.js';
import { activity, assign, directory, login, RECLAIM_HISTORY as RECLAIM, unassign } from '../testing/capacity-histories.js';

/**
 * SPEC §8.2 in America/New_York around the spring-forward day (2026-03-08 has 23 hours). KSE ×5, qa 3.
 *   u1 (qa) assigned 1 Mar, login Sat 7 Mar 00:00 EST; u2 (qa) assigned 2 Mar, never used, unassigned and
 *   assigned again on 9 Mar; u3 (qa) assigned 5 Mar, activity Sat 7 Mar 23:30 EST (04:30Z on the 8th);
 *   u4 (dev) assigned 6 Mar, login Sun 8 Mar 23:59 EDT; u5 (dev) logged in on 1 Mar before its seat of 3 Mar.
 */
const IDLE: LedgerCommand[] = [
  ...directory('America/New_York'),
  cmd('DedicateLicenses', '2026-02-01T02:00:00Z', { product: 'KSE', orgId: 'qa', quantity: 3 }),
  assign('u1', '2026-03-01T15:00:00Z'),
  login('u5', '2026-03-01T16:00:00Z'),
  assign('u2', '2026-03-02T15:00:00Z'),
  assign('u5', '2026-03-03T15:00:00Z'),
  assign('u3', '2026-03-05T15:00:00Z'),
  assign('u4', '2026-03-06T15:00:00Z'),
  login('u1', '2026-03-07T05:00:00Z'),
  activity('u3', '2026-03-08T04:30:00Z'),
  login('u4', '2026-03-09T03:59:00Z'),
  unassign('u2', '2026-03-09T15:00:00Z'),
  assign('u2', '2026-03-09T16:00:00Z'),
];

describe('idle-seats (America/New_York, across the spring-forward day)', () => {
  let harness: ProjectionHarness;
  beforeAll(async () => {
    harness = await projectionHarness([capacityProjection], storedHistory(IDLE), { batchSize: 4 });
  });
  afterAll(() => harness.close());
  const NOW = Date.parse('2026-03-10T12:00:00Z');
  const idle = async (params: Record<string, string> = {}) =>
    (await runReport(idleSeatsReport, { accountId: 'acme', product: 'KSE', ...params }, harness.context(NOW))) as TableBody;
  const summary = (body: TableBody) => body.rows.map((r) => [r.userId, r.idleDays]);

  it('lists every current seat, longest idle first, counting local dates from the later of assignment and last use', async () => {
    const body = await idle();
    expect(body).toMatchObject({
      report: 'idle-seats',
      product: 'KSE',
      total: 5,
      page: 1,
      pageSize: 50,
      timezone: 'America/New_York',
      today: '2026-03-10',
    });
    expect(body.asOfPosition).toMatch(/^\d+\/\d+$/);
    // u5: assigned 3 Mar, after its login of 1 Mar → 7; u1 login 7 Mar → 3; u3 23:30 on 7 Mar → 3; u4 8 Mar → 2; u2 re-assigned 9 Mar → 1.
    expect(summary(body)).toEqual([
      ['u5', 7],
      ['u1', 3],
      ['u3', 3],
      ['u4', 2],
      ['u2', 1],
    ]);
    expect(body.rows[0]).toEqual({
      userId: 'u5',
      user: 'User u5',
      email: 'u5@acme.example',
      organization: 'Dev',
      licenseSource: 'Account',
      assignedAt: '2026-03-03T15:00:00.000Z',
      activated: false,
      lastActiveUse: '2026-03-01T16:00:00.000Z',
      idleDays: 7,
    });
    expect(body.rows.find((r) => r.userId === 'u3')).toMatchObject({
      organization: 'QA',
      licenseSource: 'QA',
      activated: false,
      lastActiveUse: '2026-03-08T04:30:00.000Z',
    });
    expect(body.rows.find((r) => r.userId === 'u2')).toMatchObject({ assignedAt: '2026-03-09T16:00:00.000Z', activated: false, lastActiveUse: null });
    expect(body.rows.find((r) => r.userId === 'u1')).toMatchObject({ activated: true });
  });

  it('filters by minIdleDays, organization, license source and text; sorts and pages', async () => {
    expect(summary(await idle({ minIdleDays: '3' }))).toEqual([
      ['u5', 7],
      ['u1', 3],
      ['u3', 3],
    ]);
    expect(summary(await idle({ orgId: 'dev' }))).toEqual([
      ['u5', 7],
      ['u4', 2],
    ]);
    expect(summary(await idle({ licenseSource: 'QA' }))).toEqual([
      ['u1', 3],
      ['u3', 3],
      ['u2', 1],
    ]);
    expect(summary(await idle({ q: 'U4@' }))).toEqual([['u4', 2]]);
    expect(summary(await idle({ sort: 'idleDays' }))).toEqual([
      ['u2', 1],
      ['u4', 2],
      ['u1', 3],
      ['u3', 3],
      ['u5', 7],
    ]);
    expect(summary(await idle({ sort: '-lastActiveUse' })).map(([u]) => u)).toEqual(['u4', 'u3', 'u1', 'u5', 'u2']);
    const page = await idle({ pageSize: '2', page: '2' });
    expect(page).toMatchObject({ total: 5, page: 2, pageSize: 2 });
    expect(summary(page)).toEqual([
      ['u3', 3],
      ['u4', 2],
    ]);
  });

  it('as of an instant: the seats then, activity up to then, that date', async () => {
    const body = await idle({ asOf: '2026-03-08T12:00:00Z' });
    expect(body).toMatchObject({ today: '2026-03-08', asOf: '2026-03-08T12:00:00.000Z' });
    // u2 still on its first assignment (2 Mar); u4's login came later.
    expect(summary(body)).toEqual([
      ['u2', 6],
      ['u5', 5],
      ['u4', 2],
      ['u1', 1],
      ['u3', 1],
    ]);
    expect(body.rows.find((r) => r.userId === 'u4')).toMatchObject({ lastActiveUse: null, activated: false });
  });

  it('refuses asOf after now, and sorting by an unknown column', async () => {
    await expect(idle({ asOf: '2026-03-11T00:00:00Z' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ path: 'asOf' }] });
    await expect(idle({ sort: 'projects' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ path: 'sort' }] });
  });
});

describe('reclaim-backtest (UTC, idleDays=2)', () => {
  let harness: ProjectionHarness;
  beforeAll(async () => {
    harness = await projectionHarness([capacityProjection, seatHistoryProjection], storedHistory(RECLAIM), { batchSize: 6 });
  });
  afterAll(() => harness.close());
  const NOW = Date.parse('2026-04-01T00:00:00Z');
  const backtest = async (params: Record<string, string>) =>
    (await runReport(
      reclaimBacktestReport,
      { accountId: 'acme', product: 'KSE', idleDays: '2', ...params },
      harness.context(NOW),
    )) as ReclaimBacktestBody;

  it('counts the reclaims of the window, who came back within 7 and 30 days, and the seats held under the policy', async () => {
    const body = await backtest({ from: '2026-03-01', to: '2026-03-15', interval: 'week' });
    expect(body).toMatchObject({
      report: 'reclaim-backtest',
      idleDays: 2,
      reclaimed: 4,
      returnedWithin7Days: 1,
      returnedWithin30Days: 2,
      neverReturned: 2,
      peakAssigned: 4,
      peakAssignedActual: 4,
    });
    // Weeks from Monday: [1 Mar (a Sunday), 2 Mar), [2 Mar, 9 Mar), [9 Mar, 16 Mar).
    expect(body.buckets!.map(({ start, assigned, assignedActual }) => [start, assigned, assignedActual])).toEqual([
      ['2026-03-01T00:00:00.000Z', 3, 3],
      ['2026-03-02T00:00:00.000Z', 2, 3],
      ['2026-03-09T00:00:00.000Z', 1, 3],
    ]);
  });

  it('gives the real assigned of seat-history as assignedActual', async () => {
    const params = { from: '2026-03-01', to: '2026-03-31', interval: 'day' };
    const body = await backtest(params);
    const real = (await runReport(seatHistoryReport, { accountId: 'acme', product: 'KSE', ...params }, harness.context(NOW))) as SeriesBody;
    expect(body.buckets!.map((b) => b.assignedActual)).toEqual(real.buckets!.map((b) => b.assigned));
  });

  it('counts only the reclaims whose instant is in the window, of the scope', async () => {
    // u1 on 9 Mar, u3 on 14 Mar, u4 on 18 Mar; none back by the end of March.
    expect(await backtest({ from: '2026-03-05', to: '2026-03-31', interval: 'month' })).toMatchObject({
      reclaimed: 3,
      returnedWithin7Days: 0,
      returnedWithin30Days: 0,
      neverReturned: 3,
    });
    expect(await backtest({ from: '2026-03-01', to: '2026-03-31', interval: 'month', orgId: 'dev' })).toMatchObject({
      reclaimed: 1,
      neverReturned: 1,
      peakAssigned: 1,
      peakAssignedActual: 1,
    });
  });

  it('requires idleDays ≥ 1', async () => {
    await expect(
      runReport(reclaimBacktestReport, { accountId: 'acme', product: 'KSE', from: '2026-03-01', to: '2026-03-02' }, harness.context(NOW)),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ path: 'idleDays' }] });
    await expect(backtest({ from: '2026-03-01', to: '2026-03-02', idleDays: '0' })).rejects.toMatchObject({ errors: [{ path: 'idleDays' }] });
  });
});
