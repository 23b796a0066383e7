import { storedHistory } from '../../../../test/support/stored-history.js';
import { seatHistoryProjection } from '../../../../projections/seat-history.projection.js';
import { seatUsageProjection } from '../../../../projections/seat-usage.projection.js';
import { assignmentsProjection } from '../../../../projections/assignments.projection.js';
import { runReport } from '../reports.service.js';
import { projectionHarness, type ProjectionHarness } from '../testing/projection-harness.js';
import { SPEC7_SEATS } from '../../../domain/src/testing/spec-7-example.js';
import { seatHistoryReport } from './seat-history.report.js';
import { seatUsageReport } from './seat-usage.report.js';
import type { SeriesBody } from '../report-definition.js';

const NOW = Date.parse('2026-06-01T00:00:00Z');

describe.each([1, 3, 500])('SPEC §7 worked example through the projections (batches of %i)', (batchSize) => {
  let harness: ProjectionHarness;
  beforeAll(async () => {
    const events = storedHistory(SPEC7_SEATS, { onRejected: 'skip' });
    harness = await projectionHarness([seatHistoryProjection, seatUsageProjection, assignmentsProjection], events, { batchSize });
  });
  afterAll(() => harness.close());

  const history = async (orgId?: string) =>
    (await runReport(
      seatHistoryReport,
      {
        accountId: 'acme',
        product: 'KSE',
        from: '2026-01-01',
        to: '2026-02-28',
        interval: 'month',
        ...(orgId ? { orgId } : {}),
      },
      harness.context(NOW),
    )) as SeriesBody;

  const metrics = (body: SeriesBody) => body.buckets!.map(({ purchased, assigned, activated }) => ({ purchased, assigned, activated }));

  it('seat-history, account: Jan {5, 2, 2}, Feb {5, 2, 1}', async () => {
    const body = await history();
    expect(metrics(body)).toEqual([
      { purchased: 5, assigned: 2, activated: 2 },
      { purchased: 5, assigned: 2, activated: 1 },
    ]);
    expect(body).toMatchObject({
      report: 'seat-history',
      accountId: 'acme',
      product: 'KSE',
      orgId: null,
      interval: 'month',
      timezone: 'America/New_York',
      from: '2026-01-01',
      to: '2026-02-28',
    });
    expect(body.asOfPosition).toMatch(/^\d+\/\d+$/);
    expect(body.buckets!.map((b) => [b.start, b.end])).toEqual([
      ['2026-01-01T00:00:00.000-05:00', '2026-02-01T00:00:00.000-05:00'],
      ['2026-02-01T00:00:00.000-05:00', '2026-03-01T00:00:00.000-05:00'],
    ]);
  });

  it('seat-history, orgId=qa: Jan {3, 2, 2}, Feb {3, 2, 1}', async () => {
    expect(metrics(await history('qa'))).toEqual([
      { purchased: 3, assigned: 2, activated: 2 },
      { purchased: 3, assigned: 2, activated: 1 },
    ]);
  });

  it('seat-history, orgId=mobile: Jan {1, 1, 1}, Feb {1, 1, 1}', async () => {
    expect(metrics(await history('mobile'))).toEqual([
      { purchased: 1, assigned: 1, activated: 1 },
      { purchased: 1, assigned: 1, activated: 1 },
    ]);
  });

  it('seat-usage, 2026-01-06 → 1 active, 2026-01-07 → 1 active', async () => {
    const body = (await runReport(
      seatUsageReport,
      {
        accountId: 'acme',
        product: 'KSE',
        from: '2026-01-06',
        to: '2026-01-07',
        interval: 'day',
      },
      harness.context(NOW),
    )) as SeriesBody;
    expect(body.buckets).toEqual([
      {
        start: '2026-01-06T00:00:00.000-05:00',
        end: '2026-01-07T00:00:00.000-05:00',
        activeUsers: 1,
        averageDailyActive: 1,
        peakDailyActive: 1,
        assigned: 2,
      },
      {
        start: '2026-01-07T00:00:00.000-05:00',
        end: '2026-01-08T00:00:00.000-05:00',
        activeUsers: 1,
        averageDailyActive: 1,
        peakDailyActive: 1,
        assigned: 2,
      },
    ]);
  });
});
