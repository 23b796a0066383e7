import type { StoredEvent } from '../../../event-store/src/event-store.js';
import type { LedgerConfig } from '../../../platform/src/config.js';
import { projectionHarness, type ProjectionHarness } from '../../../reports/src/testing/projection-harness.js';
import { FixedClock } from '../../../../test/support/fixed-clock.js';
import { spec7Commands } from '../../../../test/support/spec-7-example.js';
import { storedHistory } from '../../../../test/support/stored-history.js';
import { licensesProjection } from '../../../../projections/licenses.projection.js';
import { seatHistoryProjection } from '../../../../projections/seat-history.projection.js';
import { seatUsageProjection } from '../../../../projections/seat-usage.projection.js';
import { sessionsProjection } from '../../../../projections/sessions.projection.js';
import { ExplainService } from './explain.service.js';
import { storedLog } from './testing/stored-log.js';
import { ProjectedReportAnswers } from '../../../reports/src/projected-answers.js';

const NOW = Date.parse('2026-06-01T00:00:00Z');
const KRE_DAY = { accountId: 'acme', product: 'KRE', from: '2026-03-02', to: '2026-03-02', interval: 'day', bucket: '2026-03-02T00:00:00.000-05:00' };

describe('explain on the SPEC §7 worked example', () => {
  let events: StoredEvent[];
  let harness: ProjectionHarness;
  let explain: ExplainService;
  /** The position of the event of type `type` with `data` matching. */
  const positionOf = (type: string, match: Record<string, unknown>): string => {
    const found = events.find((e) => e.type === type && Object.entries(match).every(([k, v]) => e.data[k] === v));
    if (!found) throw new Error(`no ${type} ${JSON.stringify(match)} in the example`);
    return `${found.position.commit}/${found.position.prepare}`;
  };

  beforeAll(async () => {
    events = storedHistory(spec7Commands(), { onRejected: 'skip' });
    harness = await projectionHarness([sessionsProjection, seatHistoryProjection, seatUsageProjection, licensesProjection], events);
    explain = new ExplainService(new ProjectedReportAnswers(harness.reader, { sessionLeaseSeconds: 900 }), storedLog(events), new FixedClock(NOW), {
      sessionLeaseSeconds: 900,
    } as LedgerConfig);
  });
  afterAll(() => harness.close());

  it('session-usage 2026-03-02 peakUsage 2: the instant of the peak and the sessions s1, s2 open at it', async () => {
    const body = await explain.explainReport('session-usage', { ...KRE_DAY, metric: 'peakUsage' });
    expect(body).toMatchObject({
      report: 'session-usage',
      accountId: 'acme',
      product: 'KRE',
      orgId: null,
      interval: 'day',
      timezone: 'America/New_York',
      bucket: { start: '2026-03-02T00:00:00.000-05:00', end: '2026-03-03T00:00:00.000-05:00' },
      metric: 'peakUsage',
      value: 2,
      peakAt: '2026-03-02T15:30:00.000Z',
    });
    expect(body.warning).toBeUndefined();
    const sessions = body.sessions as { sessionId: string; ending: string; started: string; endedBy: string }[];
    expect(sessions.map((s) => [s.sessionId, s.ending])).toEqual([
      ['s1', 'SessionEnded'],
      ['s2', 'SessionEnded'],
    ]);
    expect(sessions[0]!.started).toBe(positionOf('SessionStarted', { sessionId: 's1' }));
    expect(sessions[1]!.endedBy).toBe(positionOf('SessionEnded', { sessionId: 's2' }));
    expect(body.events.map((e) => `${e.type} ${String(e.data.sessionId)}`)).toEqual([
      'SessionStarted s1',
      'SessionStarted s2',
      'SessionEnded s1',
      'SessionEnded s2',
    ]);
    expect(body.asOfPosition).toBe(positionOf('SessionEnded', { sessionId: 's2' }));
  });

  it('averagePeak 0.17: the 24 hourly peaks, 10:00 and 11:00 local at 2', async () => {
    const body = await explain.explainReport('session-usage', { ...KRE_DAY, metric: 'averagePeak' });
    expect(body.value).toBe(0.17);
    const hours = body.subBuckets as { start: string; peak: number; peakAt: string | null; sessions: string[] }[];
    expect(hours).toHaveLength(24);
    expect(hours.filter((h) => h.peak > 0)).toEqual([
      {
        start: '2026-03-02T10:00:00.000-05:00',
        end: '2026-03-02T11:00:00.000-05:00',
        peak: 2,
        peakAt: '2026-03-02T15:30:00.000Z',
        sessions: ['s1', 's2'],
      },
      {
        start: '2026-03-02T11:00:00.000-05:00',
        end: '2026-03-02T12:00:00.000-05:00',
        peak: 2,
        peakAt: '2026-03-02T16:00:00.000Z',
        sessions: ['s2', 's3'],
      },
    ]);
    expect(hours[12]).toMatchObject({ start: '2026-03-02T12:00:00.000-05:00', peak: 0, peakAt: null });
  });

  it("denied 1: s4's SessionDenied", async () => {
    const body = await explain.explainReport('session-usage', { ...KRE_DAY, metric: 'denied' });
    expect(body).toMatchObject({ value: 1, denials: [{ sessionId: 's4', userId: 'u3', orgId: 'mobile', at: '2026-03-02T15:45:00.000Z' }] });
    expect(body.events.map((e) => e.type)).toEqual(['SessionDenied']);
    expect(body.events[0]!.position).toBe(positionOf('SessionDenied', { sessionId: 's4' }));
  });

  it('seat-history February for qa, activated 1: the seat of u2 with its SeatAssigned and SeatActivated', async () => {
    const body = await explain.explainReport('seat-history', {
      accountId: 'acme',
      product: 'KSE',
      orgId: 'qa',
      from: '2026-01-01',
      to: '2026-02-28',
      interval: 'month',
      bucket: '2026-02-01T05:00:00Z',
      metric: 'activated',
    });
    expect(body).toMatchObject({
      orgId: 'qa',
      bucket: { start: '2026-02-01T00:00:00.000-05:00', end: '2026-03-01T00:00:00.000-05:00' },
      value: 1,
      recordAt: '2026-03-01T04:59:59.999Z',
      seats: [
        {
          userId: 'u2',
          orgId: 'mobile',
          assignedAt: '2026-01-06T13:00:00.000Z',
          activated: true,
          assignedBy: positionOf('SeatAssigned', { userId: 'u2' }),
          activatedBy: positionOf('SeatActivated', { userId: 'u2' }),
        },
      ],
    });
    expect(body.events.map((e) => `${e.type} ${String(e.data.userId)}`)).toEqual(['SeatAssigned u2', 'SeatActivated u2']);
  });

  it('seat-history February for qa, assigned 2: u1 re-assigned and not activated, u2', async () => {
    const body = await explain.explainReport('seat-history', {
      accountId: 'acme',
      product: 'KSE',
      orgId: 'qa',
      from: '2026-01-01',
      to: '2026-02-28',
      interval: 'month',
      bucket: '2026-02-01T00:00:00.000-05:00',
      metric: 'assigned',
    });
    const seats = body.seats as { userId: string; activated: boolean; assignedAt: string; activatedBy: string | null }[];
    expect(seats.map((s) => [s.userId, s.activated, s.assignedAt, s.activatedBy])).toEqual([
      ['u1', false, '2026-02-10T12:05:00.000Z', null],
      ['u2', true, '2026-01-06T13:00:00.000Z', positionOf('SeatActivated', { userId: 'u2' })],
    ]);
  });

  it('seat-usage 2026-01-06: the one active user and their first qualifying event that local day', async () => {
    const body = await explain.explainReport('seat-usage', {
      accountId: 'acme',
      product: 'KSE',
      from: '2026-01-06',
      to: '2026-01-07',
      interval: 'day',
      bucket: '2026-01-06T00:00:00-05:00',
      metric: 'activeUsers',
    });
    expect(body).toMatchObject({
      value: 1,
      users: [{ userId: 'u2', firstEvent: positionOf('UserLoggedIn', { userId: 'u2' }), days: ['2026-01-06'] }],
    });
  });

  it('licenses: the pool of mobile is its dedication, carved from the purchase', async () => {
    const body = await explain.explainLicenses({ accountId: 'acme', product: 'KSE', scope: 'mobile', metric: 'pool' });
    expect(body).toMatchObject({
      report: 'licenses',
      product: 'KSE',
      scope: 'mobile',
      metric: 'pool',
      value: 1,
      purchases: [{ purchaseId: 'p1', quantity: 5, events: [positionOf('LicensesPurchased', { purchaseId: 'p1' })] }],
      dedication: { orgId: 'mobile', quantity: 1, event: positionOf('LicensesDedicated', { orgId: 'mobile' }) },
      dedicatedBelow: [],
    });
    expect(body.warning).toBeUndefined();
    expect(body.events.map((e) => e.type)).toEqual(['LicensesPurchased', 'LicensesDedicated']);
  });

  it('licenses: the pool of qa is its dedication less the one of mobile below it; used lists the seat drawn from qa', async () => {
    const pool = await explain.explainLicenses({ accountId: 'acme', product: 'KSE', scope: 'qa', metric: 'pool' });
    expect(pool).toMatchObject({ value: 2, dedication: { orgId: 'qa', quantity: 3 }, dedicatedBelow: [{ orgId: 'mobile', quantity: 1 }] });
    const used = await explain.explainLicenses({ accountId: 'acme', product: 'KSE', scope: 'qa', metric: 'used' });
    expect(used).toMatchObject({ value: 1, units: { seats: [{ userId: 'u1' }], sessions: [], offlineLicenses: [], applications: [] } });
    expect(used.warning).toBeUndefined();
  });

  it('licenses asOf: as the ledger stood before the second dedication', async () => {
    const body = await explain.explainLicenses({ accountId: 'acme', product: 'KSE', scope: 'qa', metric: 'pool', asOf: '2026-01-05T15:01:00Z' });
    expect(body).toMatchObject({
      asOf: '2026-01-05T15:01:00.000Z',
      value: 3,
      dedicatedBelow: [],
      asOfPosition: positionOf('LicensesDedicated', { orgId: 'qa' }),
    });
  });

  it('licenses asOf after now is refused, as on the overview itself', async () => {
    const future = new Date(NOW + 3_600_000).toISOString();
    await expect(explain.explainLicenses({ accountId: 'acme', product: 'KSE', scope: 'qa', metric: 'pool', asOf: future })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [{ path: 'asOf', message: expect.stringContaining('must not be after now') }],
    });
    await expect(
      explain.explainLicenses({ accountId: 'acme', product: 'KSE', scope: 'qa', metric: 'pool', asOf: '2026-01-05' }),
    ).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [{ path: 'asOf' }],
    });
  });

  it('refuses an unknown report or metric and a bucket that does not start one, naming the field and what is allowed', async () => {
    await expect(explain.explainReport('sessions', { ...KRE_DAY, metric: 'peakUsage' })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [{ path: 'name', message: expect.stringContaining('seat-history, seat-usage, session-usage, aut-usage') }],
    });
    await expect(explain.explainReport('session-usage', { ...KRE_DAY, metric: 'peak' })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [{ path: 'metric', message: expect.stringContaining('availableSessions, peakUsage, averagePeak, denied') }],
    });
    await expect(
      explain.explainReport('session-usage', { ...KRE_DAY, metric: 'peakUsage', bucket: '2026-03-02T01:00:00-05:00' }),
    ).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [{ path: 'bucket', message: expect.stringContaining('2026-03-02T00:00:00.000-05:00') }],
    });
    await expect(explain.explainReport('session-usage', { ...KRE_DAY, metric: 'peakUsage', groupBy: 'org' })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [{ path: 'groupBy' }],
    });
    await expect(explain.explainLicenses({ accountId: 'acme', product: 'KSE', scope: 'u1', metric: 'pool' })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [{ path: 'scope', message: expect.stringContaining('account, qa, mobile') }],
    });
  });

  it('warns when the replayed value differs from the projected one', async () => {
    // A projection that lost the denial: the explanation still answers from the events, and says so.
    const stale = await projectionHarness(
      [sessionsProjection],
      events.filter((e) => e.type !== 'SessionDenied'),
      { database: harness.database },
    );
    try {
      const lagging = new ExplainService(
        new ProjectedReportAnswers(stale.reader, { sessionLeaseSeconds: 900 }),
        storedLog(events),
        new FixedClock(NOW),
        { sessionLeaseSeconds: 900 } as LedgerConfig,
      );
      const body = await lagging.explainReport('session-usage', { ...KRE_DAY, metric: 'denied' });
      expect(body.value).toBe(1);
      expect(body.warning).toContain('projected report shows 0');
    } finally {
      await stale.close();
    }
  });
});
