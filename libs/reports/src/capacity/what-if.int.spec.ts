import { cmd } from '../../../domain/src/testing/decider-spec.js';
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
    harness = await projectionHarness([capacityProjection, sessionsProjection], storedHistory(spec7Commands(), { onRejected: 'skip' }), {
      batchSize: 7,
    });
  });
  afterAll(() => harness.close());
  const whatIf = async (params: Record<string, string>) =>
    (await runReport(whatIfReport, { accountId: 'acme', product: 'KRE', ...params }, harness.context(LATER))) as WhatIfBody;

  it('with no hypothesis reproduces session-usage, and says what 1 more session would have changed', async () => {
    const body = await whatIf({ ...day, interval: 'day' });
    const real = (await runReport(
      sessionUsageReport,
      { accountId: 'acme', product: 'KRE', ...day, interval: 'day' },
      harness.context(LATER),
    )) as SeriesBody;
    expect(body).toMatchObject({
      report: 'what-if',
      accountId: 'acme',
      product: 'KRE',
      orgId: null,
      interval: 'day',
      timezone: 'America/New_York',
      ...day,
      hypothesis: { quantity: null, dedications: null },
      deniedDuration: 3600,
      demand: 4,
      refused: 1,
      recommendation: { noDenials: 3, atMostOnePercent: 3 },
    });
    expect(body.asOfPosition).toMatch(/^\d+\/\d+$/);
    const { start, end, ...figures } = real.buckets![0]!;
    expect(body.buckets).toEqual([
      {
        start,
        end,
        availableSessions: 2,
        peakUsage: 2,
        averagePeak: 0.17,
        denied: 1,
        unmetSeconds: 3600,
        actual: figures,
      },
    ]);
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
    expect(body.buckets[0]).toMatchObject({
      availableSessions: 1,
      peakUsage: 1,
      denied: 2,
      unmetSeconds: 3600 + 1800,
      actual: { availableSessions: 0, peakUsage: 2, denied: 1 },
    });
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

describe('what-if on the spring-forward day in America/New_York (23 hourly buckets)', () => {
  // KRE ×1: s1 from 01:30 EST to 03:30 EDT (one real hour, 06:30Z–07:30Z); u2 denied at 01:40 EST; s2 at 09:00 EDT for 30 minutes.
  const user = (userId: string) =>
    cmd('RegisterUser', '2026-03-01T00:01:00Z', { userId, email: `${userId}@acme.example`, fullName: userId, orgId: 'qa' });
  const HISTORY = [
    cmd('OpenAccount', '2026-03-01T00:00:00Z', { name: 'Acme', timezone: 'America/New_York' }),
    cmd('CreateOrganization', '2026-03-01T00:00:30Z', { orgId: 'qa', name: 'QA' }),
    user('u1'),
    user('u2'),
    cmd('PurchaseLicenses', '2026-03-01T00:02:00Z', {
      purchaseId: 'p1',
      product: 'KRE',
      quantity: 1,
      startsAt: '2026-03-01T00:00:00Z',
      expiresAt: '2027-03-01T00:00:00Z',
    }),
    cmd('StartSession', '2026-03-08T06:30:00Z', { product: 'KRE', sessionId: 's1', userId: 'u1', machineId: 'm1' }),
    cmd('StartSession', '2026-03-08T06:40:00Z', { product: 'KRE', sessionId: 'd1', userId: 'u2', machineId: 'm2' }),
    ...['06:40', '06:50', '07:00', '07:10', '07:20'].map((t) => cmd('HeartbeatSession', `2026-03-08T${t}:00Z`, { sessionId: 's1' })),
    cmd('EndSession', '2026-03-08T07:30:00Z', { sessionId: 's1' }),
    cmd('StartSession', '2026-03-08T13:00:00Z', { product: 'KRE', sessionId: 's2', userId: 'u2', machineId: 'm2' }),
    ...['13:10', '13:20'].map((t) => cmd('HeartbeatSession', `2026-03-08T${t}:00Z`, { sessionId: 's2' })),
    cmd('EndSession', '2026-03-08T13:30:00Z', { sessionId: 's2' }),
  ];
  let harness: ProjectionHarness;
  beforeAll(async () => {
    harness = await projectionHarness([capacityProjection], storedHistory(HISTORY, { onRejected: 'skip' }));
  });
  afterAll(() => harness.close());
  const whatIf = async (params: Record<string, string>) =>
    (await runReport(
      whatIfReport,
      {
        accountId: 'acme',
        product: 'KRE',
        from: '2026-03-08',
        to: '2026-03-08',
        ...params,
      },
      harness.context(LATER),
    )) as WhatIfBody;

  it('gives the denial the median 2700 s (of 3600 and 1800) and averages the day over its 23 hours', async () => {
    const day = await whatIf({ interval: 'day' });
    // s1 peaks in the 01:00 EST and 03:00 EDT hours, s2 in the 09:00 hour: 3 / 23 = 0.13.
    expect(day).toMatchObject({ deniedDuration: 2700, demand: 3, refused: 1, recommendation: { noDenials: 2, atMostOnePercent: 2 } });
    expect(day.buckets[0]).toMatchObject({ peakUsage: 1, averagePeak: 0.13, denied: 1, unmetSeconds: 2700 });
    // With 2 sessions the denied attempt runs 06:40Z–07:25Z: the 01:00 and 03:00 hours peak at 2: 5 / 23 = 0.22.
    expect((await whatIf({ interval: 'day', quantity: '2' })).buckets[0]).toMatchObject({ peakUsage: 2, averagePeak: 0.22, denied: 0 });
    const hours = await whatIf({ interval: 'hour', quantity: '2' });
    expect(hours.buckets).toHaveLength(23);
    expect(hours.buckets.filter((b) => b.peakUsage === 2).map((b) => b.start)).toEqual([
      '2026-03-08T01:00:00.000-05:00',
      '2026-03-08T03:00:00.000-04:00',
    ]);
  });
});
