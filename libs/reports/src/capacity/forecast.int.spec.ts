import type { LedgerCommand } from '../../../domain/src/commands.js';
import { cmd } from '../../../domain/src/testing/decider-spec.js';
import { storedHistory } from '../../../../test/support/stored-history.js';
import { capacityProjection } from '../../../../projections/capacity.projection.js';
import { runReport } from '../reports.service.js';
import { projectionHarness, type ProjectionHarness } from '../testing/projection-harness.js';
import type { ForecastBody } from './bodies.js';
import { forecastReport } from './forecast.report.js';

const user = (userId: string, at: string) => cmd('RegisterUser', at, { userId, email: `${userId}@acme.example`, fullName: userId, orgId: 'qa' });
const users = ['u1', 'u2', 'u3', 'u4', 'u5', 'u6', 'u7'];

/**
 * KRE ×5 in UTC with sessions of 10 minutes: one in the week of 2 Mar, one in the week of 9 Mar, two at
 * once in the week of 16 Mar, four at once in the week of 23 Mar. KSE ×6 in America/New_York with seats
 * assigned over January to March, the last at 23:30 local on 31 March (04:30Z on 1 April).
 */
function history(): LedgerCommand[] {
  const sessions = (date: string, n: number): LedgerCommand[] => [
    ...users
      .slice(0, n)
      .map((userId) =>
        cmd('StartSession', `${date}T10:00:00Z`, { product: 'KRE', sessionId: `${date}-${userId}`, userId, machineId: `m-${userId}` }),
      ),
    ...users.slice(0, n).map((userId) => cmd('EndSession', `${date}T10:10:00Z`, { sessionId: `${date}-${userId}` })),
  ];
  return [
    cmd('OpenAccount', '2026-02-25T00:00:00Z', { name: 'Acme', timezone: 'UTC' }),
    cmd('CreateOrganization', '2026-02-25T00:01:00Z', { orgId: 'qa', name: 'QA' }),
    ...users.map((u, i) => user(u, `2026-02-25T00:0${2 + i}:00Z`)),
    cmd('PurchaseLicenses', '2026-02-25T01:00:00Z', {
      purchaseId: 'p1',
      product: 'KRE',
      quantity: 5,
      startsAt: '2026-02-25T00:00:00Z',
      expiresAt: '2027-03-01T00:00:00Z',
    }),
    ...sessions('2026-03-03', 1),
    ...sessions('2026-03-10', 1),
    ...sessions('2026-03-17', 2),
    ...sessions('2026-03-24', 4),
  ];
}

function seatHistory(): LedgerCommand[] {
  const assign = (userId: string, at: string) => cmd('AssignSeat', at, { product: 'KSE', userId });
  return [
    { ...cmd('OpenAccount', '2025-12-01T00:00:00Z', { name: 'Acme', timezone: 'America/New_York' }), accountId: 'ny' },
    { ...cmd('CreateOrganization', '2025-12-01T00:01:00Z', { orgId: 'qa', name: 'QA' }), accountId: 'ny' },
    ...users.map((u, i) => ({ ...user(u, `2025-12-01T00:0${2 + i}:00Z`), accountId: 'ny' })),
    {
      ...cmd('PurchaseLicenses', '2025-12-01T01:00:00Z', {
        purchaseId: 'k1',
        product: 'KSE',
        quantity: 6,
        startsAt: '2025-12-01T00:00:00Z',
        expiresAt: '2027-03-01T00:00:00Z',
      }),
      accountId: 'ny',
    },
    // January: 1 seat; February: 2; March: 4 (the last at 23:30 EDT on 31 March); 1 April: 5.
    ...[
      ['u1', '2026-01-10T15:00:00Z'],
      ['u2', '2026-02-10T15:00:00Z'],
      ['u3', '2026-03-10T15:00:00Z'],
      ['u4', '2026-04-01T03:30:00Z'],
      ['u5', '2026-04-01T04:30:00Z'],
    ].map(([userId, at]) => ({ ...assign(userId!, at!), accountId: 'ny' })),
  ];
}

const NOW = Date.parse('2026-05-15T00:00:00Z');

describe('forecast', () => {
  let harness: ProjectionHarness;
  beforeAll(async () => {
    const commands = [...seatHistory(), ...history()].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
    harness = await projectionHarness([capacityProjection], storedHistory(commands), { batchSize: 9 });
  });
  afterAll(() => harness.close());
  const forecast = async (params: Record<string, string>, accountId = 'acme') =>
    (await runReport(forecastReport, { accountId, ...params }, harness.context(NOW))) as ForecastBody;

  it('projects weekly peak usage: 1, 1, 2, 4 → slope 1, then 4.5, 5.5, 6.5; exhausts the 5 purchased in the second week', async () => {
    const body = await forecast({ product: 'KRE', to: '2026-03-29', history: '4', horizon: '3' });
    expect(body).toMatchObject({
      report: 'forecast',
      product: 'KRE',
      metric: 'peakUsage',
      interval: 'week',
      history: 4,
      horizon: 3,
      from: '2026-03-02',
      to: '2026-03-29',
      slope: 1,
      dedicated: 5,
      exhaustedAt: '2026-04-06T00:00:00.000Z',
    });
    expect(body.buckets!.map((b) => [b.start.slice(0, 10), b.value ?? null, b.projected ?? null])).toEqual([
      ['2026-03-02', 1, null],
      ['2026-03-09', 1, null],
      ['2026-03-16', 2, null],
      ['2026-03-23', 4, null],
      ['2026-03-30', null, 4.5],
      ['2026-04-06', null, 5.5],
      ['2026-04-13', null, 6.5],
    ]);
  });

  it('takes whole weeks ending by to + 1 day: to on a Saturday leaves out its own week', async () => {
    const body = await forecast({ product: 'KRE', to: '2026-03-28', history: '4', horizon: '1' });
    expect(body.buckets!.map((b) => b.start.slice(0, 10))).toEqual(['2026-02-23', '2026-03-02', '2026-03-09', '2026-03-16', '2026-03-23']);
  });

  it('counts 0 for the weeks before the account existed: 0, 0, 1, 1, 2, 4 → slope 0.74, 3.93, 4.68, 5.42', async () => {
    const body = await forecast({ product: 'KRE', to: '2026-03-29', history: '6', horizon: '3' });
    expect(body.buckets!.map((b) => b.value ?? b.projected)).toEqual([0, 0, 1, 1, 2, 4, 3.93, 4.68, 5.42]);
    expect(body).toMatchObject({ slope: 0.74, exhaustedAt: '2026-04-13T00:00:00.000Z' });
  });

  it('projects monthly assigned seats at each month’s latest record, in the account zone (America/New_York)', async () => {
    const body = await forecast({ product: 'KSE', interval: 'month', to: '2026-03-31', history: '3', horizon: '2' }, 'ny');
    // 1, 2, 4 (u4's seat at 23:30 EDT on 31 March counts for March) → slope 1.5, intercept 5/6: 5.33, 6.83 ≥ 6 in May.
    expect(body.buckets!.map((b) => [b.start, b.value ?? b.projected])).toEqual([
      ['2026-01-01T00:00:00.000-05:00', 1],
      ['2026-02-01T00:00:00.000-05:00', 2],
      ['2026-03-01T00:00:00.000-05:00', 4],
      ['2026-04-01T00:00:00.000-04:00', 5.33],
      ['2026-05-01T00:00:00.000-04:00', 6.83],
    ]);
    expect(body).toMatchObject({ metric: 'assigned', slope: 1.5, dedicated: 6, exhaustedAt: '2026-05-01T00:00:00.000-04:00' });
    const notWhole = await forecast({ product: 'KSE', interval: 'month', to: '2026-03-30', history: '3', horizon: '1' }, 'ny');
    expect(notWhole.buckets![2]!.start).toBe('2026-02-01T00:00:00.000-05:00');
  });

  it('has no exhaustion for a scope without a dedication, and refuses a metric the product has not or a future to', async () => {
    expect(await forecast({ product: 'KRE', to: '2026-03-29', history: '4', orgId: 'qa' })).toMatchObject({ dedicated: 0, exhaustedAt: null });
    await expect(forecast({ product: 'KRE', metric: 'assigned' })).rejects.toMatchObject({ errors: [{ path: 'metric' }] });
    await expect(forecast({ product: 'KRE', interval: 'day' })).rejects.toMatchObject({ errors: [{ path: 'interval' }] });
    await expect(forecast({ product: 'KRE', to: '2026-06-01' })).rejects.toMatchObject({ errors: [{ path: 'to' }] });
    await expect(forecast({ product: 'KRE', history: '1' })).rejects.toMatchObject({ errors: [{ path: 'history' }] });
  });

  it('defaults to 12 weeks of history and 6 projected, up to today', async () => {
    const body = await forecast({ product: 'KRE' });
    expect(body).toMatchObject({ history: 12, horizon: 6, to: '2026-05-15', interval: 'week' });
    expect(body.buckets).toHaveLength(18);
  });
});
