import { storedHistory } from '../../../../test/support/stored-history.js';
import { capacityProjection } from '../../../../projections/capacity.projection.js';
import { sessionsProjection } from '../../../../projections/sessions.projection.js';
import { runReport } from '../reports.service.js';
import { projectionHarness, type ProjectionHarness } from '../testing/projection-harness.js';
import type { SeriesBody } from '../report-definition.js';
import { spec7Commands } from '../../../../test/support/spec-7-example.js';
import { sessionUsageReport } from '../sessions/session-usage.js';
import type { WhatIfBody } from './bodies.js';
import { whatIfReport } from './what-if.report.js';

const LATER = Date.parse('2026-06-01T00:00:00Z');
const day = { from: '2026-03-02', to: '2026-03-02' };

describe('what-if on the SPEC §7 KRE day (s4, denied at 10:45, demands the median 3600 s)', () => {
  let harness: ProjectionHarness;
  beforeAll(async () => {
    harness = await projectionHarness([capacityProjection, sessionsProjection], storedHistory(spec7Commands(), { onRejected: 'skip' }), { batchSize: 7 });
  });
  afterAll(() => harness.close());
  const whatIf = async (params: Record<string, string>) =>
    (await runReport(whatIfReport, { accountId: 'acme', product: 'KRE', ...params }, harness.context(LATER))) as WhatIfBody;

  it('with no hypothesis reproduces session-usage, and says what 1 more session would have changed', async () => {
    const body = await whatIf({ ...day, interval: 'day' });
    const real = (await runReport(sessionUsageReport, { accountId: 'acme', product: 'KRE', ...day, interval: 'day' }, harness.context(LATER))) as SeriesBody;
    expect(body).toMatchObject({
      report: 'what-if', accountId: 'acme', product: 'KRE', orgId: null, interval: 'day', timezone: 'America/New_York', ...day,
      hypothesis: { quantity: null, dedications: null }, deniedDuration: 3600, demand: 4, refused: 1,
      recommendation: { noDenials: 3, atMostOnePercent: 3 },
    });
    expect(body.asOfPosition).toMatch(/^\d+\/\d+$/);
    const { start, end, ...figures } = real.buckets![0]!;
    expect(body.buckets).toEqual([{
      start, end, availableSessions: 2, peakUsage: 2, averagePeak: 0.17, denied: 1, unmetSeconds: 3600, actual: figures,
    }]);
    expect(figures).toEqual({ availableSessions: 2, peakUsage: 2, averagePeak: 0.17, denied: 1 });
  });

  it('with quantity 3 admits s4: peaks of 3 in the 10:00 and 11:00 hours, nothing refused', async () => {
    const body = await whatIf({ ...day, interval: 'day', quantity: '3' });
    expect(body).toMatchObject({ hypothesis: { quantity: 3, dedications: null }, demand: 4, refused: 0 });
    expect(body.buckets[0]).toMatchObject({ availableSessions: 3, peakUsage: 3, averagePeak: 0.25, denied: 0, unmetSeconds: 0 });
  });

  it('by hour, splits the refused 10:45–11:45 demand over its two hours', async () => {
    const body = await whatIf({ ...day, interval: 'hour' });
    const byHour = Object.fromEntries(body.buckets.map((b) => [b.start.slice(11, 16), [b.denied, b.unmetSeconds, b.peakUsage]]));
    expect(byHour['10:00']).toEqual([1, 900, 2]);
    expect(byHour['11:00']).toEqual([0, 2700, 2]);
    expect(byHour['12:00']).toEqual([0, 0, 0]);
  });

  it('for a scope counts the demand of its users only; mobile:1 dedicated refuses s3 and recommends nothing', async () => {
    const body = await whatIf({ ...day, interval: 'day', orgId: 'mobile', dedications: 'mobile:1' });
    // mobile's demand: s2 (u2), s4 and s3 (u3). With mobile's own single unit, s2 holds it until 12:00.
    expect(body).toMatchObject({ orgId: 'mobile', demand: 3, refused: 2, recommendation: { noDenials: null, atMostOnePercent: null } });
    expect(body.buckets[0]).toMatchObject({ availableSessions: 1, peakUsage: 1, denied: 2, unmetSeconds: 3600 + 1800, actual: { availableSessions: 0, peakUsage: 2, denied: 1 } });
  });

  it('takes deniedDuration when given', async () => {
    const body = await whatIf({ ...day, interval: 'day', deniedDuration: '60' });
    expect(body).toMatchObject({ deniedDuration: 60 });
    expect(body.buckets[0]).toMatchObject({ unmetSeconds: 60 });
  });

  it('refuses an unknown organization in dedications (404 naming dedications) and a malformed one (400)', async () => {
    await expect(whatIf({ ...day, dedications: 'nope:1' })).rejects.toMatchObject({ code: 'NOT_FOUND', errors: [{ path: 'dedications' }] });
    await expect(whatIf({ ...day, dedications: 'mobile=1' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ path: 'dedications' }] });
    await expect(whatIf({ ...day, product: 'KSE' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ path: 'product' }] });
  });
});

