import type { LedgerCommand } from '../../../domain/src/commands.js';
import { commandsOf } from '../../../domain/src/testing/command-builders.js';
import { storedHistory } from '../../../../test/support/stored-history.js';
import { seatHistoryProjection } from '../../../../projections/seat-history.projection.js';
import { seatUsageProjection } from '../../../../projections/seat-usage.projection.js';
import { runReport } from '../reports.service.js';
import type { SeriesBody } from '../report-definition.js';
import { projectionHarness, type ProjectionHarness } from '../testing/projection-harness.js';
import { seatHistoryReport } from './seat-history.report.js';
import { seatUsageReport } from './seat-usage.report.js';

function opened(accountId: string, timezone: string, at = '2025-12-01T00:00:00Z'): LedgerCommand[] {
  const c = commandsOf(accountId);
  return [
    c('OpenAccount', at, { name: accountId, timezone }),
    c('CreateOrganization', at, { orgId: 'a', name: 'Alpha' }),
    c('CreateOrganization', at, { orgId: 'b', name: 'Beta' }),
    c('CreateOrganization', at, { orgId: 'a1', name: 'Alpha One', parentOrgId: 'a' }),
    ...['u1', 'u2', 'u3'].map((userId) => c('RegisterUser', at, { userId, email: `${userId}@${accountId}.example`, fullName: userId, orgId: 'a' })),
    c('RegisterUser', at, { userId: 'u4', email: `u4@${accountId}.example`, fullName: 'u4', orgId: 'a1' }),
  ];
}

const purchase = (accountId: string, at: string, fields: Record<string, unknown>) =>
  commandsOf(accountId)('PurchaseLicenses', at, {
    purchaseId: 'p1',
    product: 'KSE',
    quantity: 5,
    startsAt: '2026-01-01T00:00:00Z',
    expiresAt: '2027-01-01T00:00:00Z',
    ...fields,
  });

// ── Histories, one account each ──────────────────────────────────────────────

const dst = commandsOf('dst');
const DST = [
  ...opened('dst', 'America/New_York'),
  purchase('dst', '2026-03-01T00:00:00Z', {}),
  dst('AssignSeat', '2026-03-08T06:10:00Z', { product: 'KSE', userId: 'u1' }), // 01:10 EST
  dst('RecordActivity', '2026-03-08T06:30:00Z', { product: 'KSE', userId: 'u1', action: 'run' }), // 01:30 EST
  dst('RecordActivity', '2026-03-08T07:30:00Z', { product: 'KSE', userId: 'u1', action: 'run' }), // 03:30 EDT
  dst('RecordLogin', '2026-03-08T07:45:00Z', { product: 'KSE', userId: 'u2' }), // 03:45 EDT
  dst('AssignSeat', '2026-11-01T05:30:00Z', { product: 'KSE', userId: 'u2' }), // 01:30 EDT, the first one
  dst('RecordActivity', '2026-11-01T06:30:00Z', { product: 'KSE', userId: 'u3', action: 'run' }), // 01:30 EST, the second one
];

const ist = commandsOf('ist');
const IST = [
  ...opened('ist', 'Asia/Kolkata'),
  purchase('ist', '2026-01-02T00:00:00Z', {}),
  ist('RecordLogin', '2026-01-06T18:29:59Z', { product: 'KSE', userId: 'u1' }), // 23:59:59 on the 6th
  ist('RecordLogin', '2026-01-06T18:30:00Z', { product: 'KSE', userId: 'u2' }), // 00:00 on the 7th
  ist('RecordActivity', '2026-01-07T10:00:00Z', { product: 'KSE', userId: 'u2', action: 'x' }),
  ist('RecordActivity', '2026-01-08T18:29:00Z', { product: 'KSE', userId: 'u3', action: 'x' }), // the 8th
  ist('RecordLogin', '2026-01-12T18:40:00Z', { product: 'KSE', userId: 'u1' }), // 00:10 on the 13th
  ist('RecordLogin', '2026-01-13T09:00:00Z', { product: 'TESTOPS', userId: 'u4' }), // another product
];

const exp = commandsOf('exp');
const EXPIRY = [
  ...opened('exp', 'UTC'),
  purchase('exp', '2026-01-10T12:00:00Z', { quantity: 4, expiresAt: '2026-03-01T00:00:00Z' }),
  exp('AssignSeat', '2026-01-11T00:00:00Z', { product: 'KSE', userId: 'u1' }),
  purchase('exp', '2026-01-20T00:00:00Z', { purchaseId: 'p2', quantity: 2, startsAt: '2026-02-01T00:00:00Z', expiresAt: '2026-02-15T00:00:00Z' }),
];

const amd = commandsOf('amd');
const AMEND = [
  ...opened('amd', 'UTC'),
  purchase('amd', '2026-01-05T00:00:00Z', { quantity: 5 }),
  amd('AmendPurchase', '2026-01-20T12:00:00Z', { purchaseId: 'p1', quantity: 8 }),
  amd('AmendPurchase', '2026-02-01T00:00:00Z', { purchaseId: 'p1', expiresAt: '2026-02-15T00:00:00Z' }),
  amd('AmendPurchase', '2026-03-01T00:00:00Z', { purchaseId: 'p1', expiresAt: '2026-12-31T00:00:00Z', quantity: 3 }),
];

const mv = commandsOf('mv');
const MOVE = [
  ...opened('mv', 'UTC'),
  purchase('mv', '2026-01-02T00:00:00Z', {}),
  mv('AssignSeat', '2026-01-05T00:00:00Z', { product: 'KSE', userId: 'u1' }),
  mv('RecordLogin', '2026-01-10T09:00:00Z', { product: 'KSE', userId: 'u1' }),
  mv('RecordActivity', '2026-01-14T09:00:00Z', { product: 'KSE', userId: 'u1', action: 'x' }),
  mv('MoveUser', '2026-01-15T12:00:00Z', { userId: 'u1', orgId: 'b' }),
  mv('RecordActivity', '2026-01-16T09:00:00Z', { product: 'KSE', userId: 'u1', action: 'x' }),
  mv('AssignSeat', '2026-01-16T10:00:00Z', { product: 'KSE', userId: 'u4' }), // a1, under a
  mv('RecordActivity', '2026-01-16T11:00:00Z', { product: 'KSE', userId: 'u4', action: 'x' }),
  mv('DedicateLicenses', '2026-01-17T00:00:00Z', { product: 'KSE', orgId: 'a', quantity: 2 }),
];

const now = commandsOf('now');
const NOW_ACCOUNT = [
  ...opened('now', 'UTC'),
  purchase('now', '2026-01-02T00:00:00Z', {}),
  now('AssignSeat', '2026-01-14T09:00:00Z', { product: 'KSE', userId: 'u1' }),
  now('AssignSeat', '2026-01-15T00:00:00Z', { product: 'KSE', userId: 'u2' }), // exactly at the end of the 14th
  now('UnassignSeat', '2026-01-15T11:00:00Z', { product: 'KSE', userId: 'u1' }),
  now('AssignSeat', '2026-01-15T12:00:00Z', { product: 'KSE', userId: 'u3' }), // exactly now
];
const NOW = Date.parse('2026-01-15T12:00:00Z');

const tzc = commandsOf('tzc');
const REZONED = [
  ...opened('tzc', 'UTC'),
  tzc('RecordLogin', '2026-01-06T02:00:00Z', { product: 'KSE', userId: 'u1' }), // the 6th in UTC, the 5th in New York
  tzc('RecordLogin', '2026-01-06T12:00:00Z', { product: 'KSE', userId: 'u2' }),
  tzc('ChangeAccountTimezone', '2026-01-10T00:00:00Z', { timezone: 'America/New_York' }),
  tzc('RecordLogin', '2026-01-11T03:00:00Z', { product: 'KSE', userId: 'u3' }), // the 10th in New York
];
const LATER = Date.parse('2027-06-01T00:00:00Z');

describe('seat-history and seat-usage', () => {
  let harness: ProjectionHarness;
  beforeAll(async () => {
    const events = [DST, IST, EXPIRY, AMEND, MOVE, NOW_ACCOUNT, REZONED].flatMap((commands) => storedHistory(commands));
    harness = await projectionHarness([seatHistoryProjection, seatUsageProjection], events, { batchSize: 4 });
  });
  afterAll(() => harness.close());

  const history = async (params: Record<string, unknown>, at = LATER) =>
    (await runReport(seatHistoryReport, { product: 'KSE', interval: 'day', ...params }, harness.context(at))) as SeriesBody;
  const usage = async (params: Record<string, unknown>, at = LATER) =>
    (await runReport(seatUsageReport, { product: 'KSE', interval: 'day', ...params }, harness.context(at))) as SeriesBody;
  const column = (body: SeriesBody, metric: string) => body.buckets!.map((b) => b[metric]);

  describe('DST in America/New_York', () => {
    it('2026-03-08 has 23 hour buckets, the offset changing at 03:00', async () => {
      const body = await usage({ accountId: 'dst', from: '2026-03-08', to: '2026-03-08', interval: 'hour' });
      expect(body.buckets).toHaveLength(23);
      expect(body.buckets!.slice(0, 4).map((b) => b.start)).toEqual([
        '2026-03-08T00:00:00.000-05:00',
        '2026-03-08T01:00:00.000-05:00',
        '2026-03-08T03:00:00.000-04:00',
        '2026-03-08T04:00:00.000-04:00',
      ]);
      expect(body.buckets!.at(-1)!.end).toBe('2026-03-09T00:00:00.000-04:00');
      expect(column(body, 'activeUsers').slice(0, 4)).toEqual([0, 1, 2, 0]);
      expect(column(body, 'averageDailyActive').slice(0, 4)).toEqual([0, 1, 2, 0]);
      expect(column(body, 'assigned').slice(0, 4)).toEqual([0, 1, 1, 1]);
      const hours = await history({ accountId: 'dst', from: '2026-03-08', to: '2026-03-08', interval: 'hour' });
      expect(hours.buckets).toHaveLength(23);
      expect(column(hours, 'assigned').slice(0, 3)).toEqual([0, 1, 1]);
    });

    it('2026-11-01 has 25 hour buckets; 01:00 happens twice', async () => {
      const body = await usage({ accountId: 'dst', from: '2026-11-01', to: '2026-11-01', interval: 'hour' });
      expect(body.buckets).toHaveLength(25);
      expect(body.buckets!.slice(1, 3).map((b) => b.start)).toEqual(['2026-11-01T01:00:00.000-04:00', '2026-11-01T01:00:00.000-05:00']);
      expect(column(body, 'activeUsers').slice(0, 4)).toEqual([0, 0, 1, 0]);
      expect(column(body, 'assigned').slice(0, 4)).toEqual([1, 2, 2, 2]);
    });

    it('a day bucket on the DST day is the whole 23-hour local day', async () => {
      const body = await usage({ accountId: 'dst', from: '2026-03-07', to: '2026-03-09' });
      expect(body.buckets!.map((b) => [b.start, b.end])).toEqual([
        ['2026-03-07T00:00:00.000-05:00', '2026-03-08T00:00:00.000-05:00'],
        ['2026-03-08T00:00:00.000-05:00', '2026-03-09T00:00:00.000-04:00'],
        ['2026-03-09T00:00:00.000-04:00', '2026-03-10T00:00:00.000-04:00'],
      ]);
      expect(column(body, 'activeUsers')).toEqual([0, 2, 0]);
    });
  });

  describe('Asia/Kolkata (UTC+05:30) day boundaries', () => {
    it('activity is counted on its local day', async () => {
      const body = await usage({ accountId: 'ist', from: '2026-01-06', to: '2026-01-08' });
      expect(body.buckets!.map((b) => b.start)).toEqual([
        '2026-01-06T00:00:00.000+05:30',
        '2026-01-07T00:00:00.000+05:30',
        '2026-01-08T00:00:00.000+05:30',
      ]);
      expect(column(body, 'activeUsers')).toEqual([1, 1, 1]);
    });

    it('week buckets: distinct users, the mean and the peak of the daily counts, zero days included', async () => {
      // Mon 2026-01-05 … Sun 01-11: u1 (6th), u2 (7th), u3 (8th); 3 distinct, 3 active user-days over 7 days.
      const body = await usage({ accountId: 'ist', from: '2026-01-05', to: '2026-01-18', interval: 'week' });
      expect(
        body.buckets!.map(({ activeUsers, averageDailyActive, peakDailyActive }) => ({ activeUsers, averageDailyActive, peakDailyActive })),
      ).toEqual([
        { activeUsers: 3, averageDailyActive: 0.43, peakDailyActive: 1 },
        { activeUsers: 1, averageDailyActive: 0.14, peakDailyActive: 1 },
      ]);
    });

    it('hour buckets of a half-hour zone are whole local hours', async () => {
      const body = await usage({ accountId: 'ist', from: '2026-01-07', to: '2026-01-07', interval: 'hour' });
      expect(body.buckets).toHaveLength(24);
      expect(body.buckets![0]!.start).toBe('2026-01-07T00:00:00.000+05:30');
      expect(column(body, 'activeUsers')[0]).toBe(1); // u2 at 00:00:00
      expect(column(body, 'activeUsers')[15]).toBe(1); // u2 at 15:30
    });

    it('other products do not count', async () => {
      const body = await usage({ accountId: 'ist', product: 'TESTOPS', from: '2026-01-13', to: '2026-01-13' });
      expect(column(body, 'activeUsers')).toEqual([1]);
      expect(column(await usage({ accountId: 'ist', from: '2026-01-13', to: '2026-01-13' }), 'activeUsers')).toEqual([1]);
    });
  });

  describe('clipping', () => {
    it('the first and last week buckets are clipped to the window; averages count only their days', async () => {
      // Wed 2026-01-07 .. Tue 2026-01-13: [Wed 7, Mon 12) 5 days, [Mon 12, Wed 14) 2 days.
      const body = await usage({ accountId: 'ist', from: '2026-01-07', to: '2026-01-13', interval: 'week' });
      expect(body.buckets!.map((b) => [b.start, b.end])).toEqual([
        ['2026-01-07T00:00:00.000+05:30', '2026-01-12T00:00:00.000+05:30'],
        ['2026-01-12T00:00:00.000+05:30', '2026-01-14T00:00:00.000+05:30'],
      ]);
      expect(column(body, 'activeUsers')).toEqual([2, 1]);
      expect(column(body, 'averageDailyActive')).toEqual([0.4, 0.5]);
    });

    it('month buckets clipped: seat-history reads the latest record at the clipped end', async () => {
      const body = await history({ accountId: 'exp', from: '2026-01-15', to: '2026-02-10', interval: 'month' });
      expect(body.buckets!.map((b) => [b.start, b.end])).toEqual([
        ['2026-01-15T00:00:00.000Z', '2026-02-01T00:00:00.000Z'],
        ['2026-02-01T00:00:00.000Z', '2026-02-11T00:00:00.000Z'],
      ]);
      expect(column(body, 'purchased')).toEqual([4, 6]);
    });
  });

  describe('purchases', () => {
    it('count from max(at, startsAt) and stop at expiresAt; seats stay assigned after expiry', async () => {
      const days = await history({ accountId: 'exp', from: '2026-01-09', to: '2026-01-10' });
      expect(column(days, 'purchased')).toEqual([0, 4]); // startsAt 01-01, recorded 01-10
      const months = await history({ accountId: 'exp', from: '2026-01-01', to: '2026-04-30', interval: 'month' });
      // p1 expires exactly at the end of February: the state at the end of February still has it.
      expect(column(months, 'purchased')).toEqual([4, 4, 0, 0]);
      expect(column(months, 'assigned')).toEqual([1, 1, 1, 1]);
      const february = await history({ accountId: 'exp', from: '2026-01-31', to: '2026-03-01' });
      expect(column(february, 'purchased')).toEqual([4, ...Array(14).fill(6), ...Array(14).fill(4), 0]);
    });

    it('an amendment takes effect from its own at (quantity, expiry, revival after expiry)', async () => {
      const body = await history({ accountId: 'amd', from: '2026-01-19', to: '2026-03-02' });
      const purchased = column(body, 'purchased');
      expect(purchased[0]).toBe(5); // 01-19
      expect(purchased[1]).toBe(8); // 01-20: amended at 12:00
      expect(purchased[26]).toBe(8); // 02-14
      expect(purchased[27]).toBe(0); // 02-15: expired
      expect(purchased[40]).toBe(0); // 02-28
      expect(purchased[41]).toBe(3); // 03-01: revived by an amendment
      const hours = await history({ accountId: 'amd', from: '2026-01-20', to: '2026-01-20', interval: 'hour' });
      expect(column(hours, 'purchased').slice(11, 14)).toEqual([5, 8, 8]);
    });
  });

  describe('a user moved between organizations', () => {
    it('counts in the organization they were in at each bucket end', async () => {
      const params = { accountId: 'mv', from: '2026-01-14', to: '2026-01-16' };
      expect(column(await history({ ...params, orgId: 'a' }), 'assigned')).toEqual([1, 0, 1]); // u4 (a1) from the 16th
      expect(column(await history({ ...params, orgId: 'b' }), 'assigned')).toEqual([0, 1, 1]);
      expect(column(await history({ ...params, orgId: 'b' }), 'activated')).toEqual([0, 1, 1]);
      expect(column(await history(params), 'assigned')).toEqual([1, 1, 2]);
      expect(column(await history(params), 'activated')).toEqual([1, 1, 1]);
    });

    it("groupBy=org: one series per top-level organization; purchased is each one's dedication", async () => {
      const body = await history({ accountId: 'mv', from: '2026-01-14', to: '2026-01-17', groupBy: 'org' });
      expect(body.buckets).toBeUndefined();
      expect(body.series!.map((s) => [s.orgId, s.name, s.buckets.map((b) => b.assigned), s.buckets.map((b) => b.purchased)])).toEqual([
        ['a', 'Alpha', [1, 0, 1, 1], [0, 0, 0, 2]],
        ['b', 'Beta', [0, 1, 1, 1], [0, 0, 0, 0]],
      ]);
      const nested = await history({ accountId: 'mv', from: '2026-01-16', to: '2026-01-16', groupBy: 'org', orgId: 'a' });
      expect(nested.series!.map((s) => [s.orgId, s.buckets[0]!.assigned])).toEqual([['a1', 1]]);
    });

    it('seat-usage counts activity for the organization of the time', async () => {
      const week = { accountId: 'mv', from: '2026-01-12', to: '2026-01-18', interval: 'week' };
      const grouped = await usage({ ...week, groupBy: 'org' });
      expect(grouped.series!.map((s) => [s.orgId, s.buckets[0]!.activeUsers, s.buckets[0]!.peakDailyActive])).toEqual([
        ['a', 2, 1],
        ['b', 1, 1],
      ]);
      const whole = await usage(week);
      expect(whole.buckets![0]).toMatchObject({ activeUsers: 2, averageDailyActive: 0.43, peakDailyActive: 2, assigned: 2 });
      expect((await usage({ ...week, orgId: 'a1' })).buckets![0]).toMatchObject({ activeUsers: 1, assigned: 1 });
    });
  });

  describe('now', () => {
    it('omits buckets after now and reads the current bucket up to now (events at now included)', async () => {
      const body = await history({ accountId: 'now', from: '2026-01-13', to: '2026-01-20' }, NOW);
      expect(body.buckets!.map((b) => b.start)).toEqual(['2026-01-13T00:00:00.000Z', '2026-01-14T00:00:00.000Z', '2026-01-15T00:00:00.000Z']);
      // The 14th ends at 2026-01-15T00:00Z: u2's assignment at that instant belongs to the 15th.
      expect(column(body, 'assigned')).toEqual([0, 1, 2]);
      expect(body.buckets![2]!.end).toBe('2026-01-16T00:00:00.000Z');
      const before = await history({ accountId: 'now', from: '2026-01-15', to: '2026-01-15' }, NOW - 1);
      expect(column(before, 'assigned')).toEqual([1]);
    });

    it('a window entirely after now has no buckets', async () => {
      const body = await history({ accountId: 'now', from: '2026-02-01', to: '2026-02-03' }, NOW);
      expect(body.buckets).toEqual([]);
      expect((await usage({ accountId: 'now', from: '2026-02-01', to: '2026-02-03' }, NOW)).buckets).toEqual([]);
    });

    it('averageDailyActive of the current week counts only the days up to now', async () => {
      const body = await usage({ accountId: 'ist', from: '2026-01-05', to: '2026-01-11', interval: 'week' }, Date.parse('2026-01-07T12:00:00Z'));
      // Days 5, 6, 7 (IST): u1 on the 6th, u2 on the 7th → (0 + 1 + 1) / 3.
      expect(body.buckets![0]).toMatchObject({ activeUsers: 2, averageDailyActive: 0.67, peakDailyActive: 1 });
    });
  });

  describe('a change of time zone', () => {
    it('re-derives every local day in the new zone', async () => {
      const body = await usage({ accountId: 'tzc', from: '2026-01-05', to: '2026-01-11' });
      expect(body.timezone).toBe('America/New_York');
      expect(body.buckets![0]!.start).toBe('2026-01-05T00:00:00.000-05:00');
      expect(column(body, 'activeUsers')).toEqual([1, 1, 0, 0, 0, 1, 0]);
    });
  });

  describe('errors', () => {
    it('unknown account or organization → NOT_FOUND', async () => {
      await expect(history({ accountId: 'nobody', from: '2026-01-01', to: '2026-01-02' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(history({ accountId: 'mv', orgId: 'zz', from: '2026-01-01', to: '2026-01-02' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    });

    it('asOf on seat-history is for the replay (the projected report answers at now); seat-usage does not take it', async () => {
      await expect(history({ accountId: 'mv', from: '2026-01-01', to: '2026-01-02', asOf: '2026-01-01T00:00:00Z' })).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
        errors: [{ path: 'asOf', message: 'is answered by replaying events, not by the projected report' }],
      });
      await expect(usage({ accountId: 'mv', from: '2026-01-01', to: '2026-01-02', asOf: '2026-01-01T00:00:00Z' })).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
        errors: [{ path: 'asOf', message: 'is not a parameter of seat-usage; only seat-history, assignments and the licenses overview take it' }],
      });
    });
  });
});
