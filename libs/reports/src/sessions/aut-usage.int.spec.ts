import type { LedgerCommand } from '../../../domain/src/commands.js';
import { cmd } from '../../../domain/src/testing/decider-spec.js';
import { storedHistory } from '../../../../test/support/stored-history.js';
import { applicationsProjection } from '../../../../projections/applications.projection.js';
import { runReport } from '../reports.service.js';
import { projectionHarness, type ProjectionHarness } from '../testing/projection-harness.js';
import type { SeriesBody } from '../report-definition.js';
import { autUsageReport } from './aut-usage.js';

const UTC = 'UTC';
const at = (iso: string) => Date.parse(iso);

const HISTORY: LedgerCommand[] = [
  cmd('OpenAccount', '2026-01-05T13:00:00Z', { name: 'Acme', timezone: UTC }),
  cmd('CreateOrganization', '2026-01-05T13:01:00Z', { orgId: 'qa', name: 'QA' }),
  cmd('PurchaseLicenses', '2026-01-05T14:00:00Z', {
    purchaseId: 't1',
    product: 'TRUETEST',
    quantity: 3,
    startsAt: '2026-01-01T00:00:00Z',
    expiresAt: '2027-01-01T00:00:00Z',
  }),
  // A long-lived application: active from 03-01 09:00 until 03-04 12:00.
  cmd('ActivateApplication', '2026-03-01T09:00:00Z', { applicationId: 'long' }),
  cmd('ActivateApplication', '2026-03-02T10:00:00Z', { applicationId: 'a' }),
  cmd('ActivateApplication', '2026-03-02T10:30:00Z', { applicationId: 'b' }),
  cmd('ActivateApplication', '2026-03-02T10:40:00Z', { applicationId: 'c' }), // denied: 3 in use
  cmd('ReleaseApplication', '2026-03-02T11:00:00Z', { applicationId: 'a' }),
  cmd('ActivateApplication', '2026-03-02T11:00:00Z', { applicationId: 'c' }),
  cmd('ReleaseApplication', '2026-03-02T11:20:00Z', { applicationId: 'b' }),
  cmd('ReleaseApplication', '2026-03-02T11:20:00Z', { applicationId: 'c' }),
  cmd('AmendPurchase', '2026-03-03T08:00:00Z', { purchaseId: 't1', quantity: 4 }),
  cmd('ReleaseApplication', '2026-03-04T12:00:00Z', { applicationId: 'long' }),
  // Re-activated later and still active.
  cmd('ActivateApplication', '2026-03-05T06:07:00Z', { applicationId: 'a' }),
];

describe.each([1, 500])('aut-usage (SPEC §4.6), batches of %i', (batchSize) => {
  let harness: ProjectionHarness;
  beforeAll(async () => {
    harness = await projectionHarness([applicationsProjection], storedHistory(HISTORY, { onRejected: 'skip' }), { batchSize });
  });
  afterAll(() => harness.close());

  const usage = async (params: Record<string, string>, now = at('2026-06-01T00:00:00Z')) =>
    (await runReport(autUsageReport, { accountId: 'acme', ...params }, harness.context(now))) as SeriesBody;

  it('per day: purchased at the bucket end, peak of active applications, mean of hourly peaks', async () => {
    const body = await usage({ from: '2026-03-01', to: '2026-03-05', interval: 'day' });
    expect(body).toMatchObject({ report: 'aut-usage', product: 'TRUETEST', interval: 'day', timezone: UTC, orgId: null });
    expect(body.buckets!.map((b) => [b.purchased, b.peakActiveApplications, b.averagePeak])).toEqual([
      [3, 1, 0.63], // 15 of 24 hours
      [3, 3, 1.17], // long all day (24) + a 10–11 (1) + b 10:30–11:20 (2 hours) + c 11:00–11:20 (11:00 hour already counts 3) → (24 + 1 + 1 + 2) / 24
      [4, 1, 1],
      [4, 1, 0.5],
      [4, 1, 0.75], // a from 06:07: 18 hours of 24
    ]);
  });

  it('per hour around the peak', async () => {
    const body = await usage({ from: '2026-03-02', to: '2026-03-02', interval: 'hour' });
    expect(body.buckets!.slice(9, 13).map((b) => b.peakActiveApplications)).toEqual([1, 3, 3, 1]);
  });

  it('the still-active application counts up to now', async () => {
    const body = await usage({ from: '2026-03-05', to: '2026-03-05', interval: 'hour' }, at('2026-03-05T08:30:00Z'));
    expect(body.buckets).toHaveLength(9);
    expect(body.buckets!.map((b) => b.peakActiveApplications)).toEqual([0, 0, 0, 0, 0, 0, 1, 1, 1]);
  });

  it('month: mean of the daily peaks', async () => {
    const body = await usage({ from: '2026-03-01', to: '2026-03-31', interval: 'month' });
    // Daily peaks: 1, 3, 1, 1, 1 and 1 for every later day up to the 31st (a stays active).
    expect(body.buckets![0]).toMatchObject({ purchased: 4, peakActiveApplications: 3, averagePeak: Math.round((33 / 31) * 100) / 100 });
  });

  it('orgId: applications belong to no org (peaks 0); purchased is the org dedication', async () => {
    const body = await usage({ from: '2026-03-02', to: '2026-03-02', interval: 'day', orgId: 'qa' });
    expect(body.buckets![0]).toMatchObject({ purchased: 0, peakActiveApplications: 0, averagePeak: 0 });
  });
});
