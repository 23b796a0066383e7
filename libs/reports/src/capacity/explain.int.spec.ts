import type { LedgerCommand } from '../../../domain/src/commands.js';
import { mean2 } from '../../../domain/src/mean.js';
import { cmd } from '../../../domain/src/testing/decider-spec.js';
import type { SeriesExplanation } from '../../../contracts/src/index.js';
import type { StoredEvent } from '../../../event-store/src/event-store.js';
import { storedLog } from '../../../audit/src/explain/testing/stored-log.js';
import { storedHistory } from '../../../../test/support/stored-history.js';
import { spec7Commands } from '../../../../test/support/spec-7-example.js';
import { capacityProjection } from '../../../../projections/capacity.projection.js';
import { findReport, runReport } from '../reports.service.js';
import type { SeriesBody } from '../report-definition.js';
import { projectionHarness, type ProjectionHarness } from '../testing/projection-harness.js';
import { DENIALS_HISTORY, RECLAIM_HISTORY } from '../testing/capacity-histories.js';
import { explainCapacityFigure } from './explain-capacity.js';

/**
 * Explain on the capacity answers (SPEC §8, §5): for every bucket and every figure of hand-computed
 * histories, the explanation gives the report's figure and lists items whose count (sum, peak, mean)
 * is that figure, and every event it cites — and only those — under `events`.
 */
type Details = Record<string, any>;

/** What the listed items add up to, per metric (the `actual.` figures as their hypothetical namesakes). */
function listedFigure(report: string, metric: string, e: Details): number {
  const name = metric.replace(/^actual\./, '');
  const units = (list: Details[]) => list.length;
  switch (`${report}:${name}`) {
    case 'what-if:availableSessions':
    case 'what-if:purchased':
      return e.hypothesis?.quantity ?? e.dedication?.quantity ?? (e.purchases as Details[] | undefined)?.reduce((sum, p) => sum + p.quantity, 0) ?? 0;
    case 'what-if:peakUsage':
    case 'what-if:peakActiveApplications':
      return units(e.units);
    case 'what-if:averagePeak': {
      const peaks = (e.subBuckets as Details[]).map((s) => units(s.units));
      return peaks.length === 1 ? peaks[0]! : mean2(peaks);
    }
    case 'what-if:denied':
      return units(e.refused ?? e.denied);
    case 'what-if:unmetSeconds':
      return Math.floor((e.refused as Details[]).reduce((sum, r) => sum + r.secondsInBucket, 0));
    case 'denials:attempts':
      return units(e.attempts);
    case 'denials:trueDenials':
      return units(e.counted);
    case 'denials:uniqueUsers':
      return units(e.users);
    case 'denials:unmetUsers':
      return units(e.unmet);
    case 'reclaim-backtest:assigned':
    case 'reclaim-backtest:assignedActual':
      return units(e.seats);
    case 'forecast:value':
      return units(e.seats ?? e.sessions ?? e.applications);
    default:
      throw new Error(`no listed figure for ${report} ${metric}`);
  }
}

/** Every string of the details that is a log position. */
function citedPositions(value: unknown, into = new Set<string>()): Set<string> {
  if (typeof value === 'string' && /^\d+\/\d+$/.test(value)) into.add(value);
  else if (Array.isArray(value)) value.forEach((v) => citedPositions(v, into));
  else if (value !== null && typeof value === 'object') Object.values(value).forEach((v) => citedPositions(v, into));
  return into;
}

/** The figures of a bucket by metric name, `actual` flattened to `actual.<name>` as in CSV. */
function figuresOf(bucket: Details): [string, number][] {
  return Object.entries(bucket).flatMap(([key, value]): [string, number][] => {
    if (key === 'start' || key === 'end') return [];
    if (key === 'actual') return Object.entries(value as Record<string, number>).map(([k, v]) => [`actual.${k}`, v]);
    return [[key, value as number]];
  });
}

/** TRUETEST ×2 in UTC: `long` open since 1 Mar; on 2 Mar `a` 10:00–11:00, `b` denied at 10:30, then activated 11:05–11:30. */
const APPLICATIONS: LedgerCommand[] = [
  cmd('OpenAccount', '2026-02-20T00:00:00Z', { name: 'Aut', timezone: 'UTC' }),
  cmd('PurchaseLicenses', '2026-02-20T01:00:00Z', {
    purchaseId: 't1',
    product: 'TRUETEST',
    quantity: 2,
    startsAt: '2026-02-20T00:00:00Z',
    expiresAt: '2027-02-20T00:00:00Z',
  }),
  cmd('ActivateApplication', '2026-03-01T09:00:00Z', { applicationId: 'long' }),
  cmd('ActivateApplication', '2026-03-02T10:00:00Z', { applicationId: 'a' }),
  cmd('ActivateApplication', '2026-03-02T10:30:00Z', { applicationId: 'b' }),
  cmd('ReleaseApplication', '2026-03-02T11:00:00Z', { applicationId: 'a' }),
  cmd('ActivateApplication', '2026-03-02T11:05:00Z', { applicationId: 'b' }),
  cmd('ReleaseApplication', '2026-03-02T11:30:00Z', { applicationId: 'b' }),
  cmd('ReleaseApplication', '2026-03-04T12:00:00Z', { applicationId: 'long' }),
];

describe('explain on the capacity answers', () => {
  const LATER = Date.parse('2026-06-01T00:00:00Z');
  let events: StoredEvent[];
  let harness: ProjectionHarness;
  beforeAll(async () => {
    const as = (accountId: string, commands: readonly LedgerCommand[]) => commands.map((c) => ({ ...c, accountId }));
    // Four accounts in one log: the SPEC §7 one, denials in Asia/Kolkata, the reclaim history and TrueTest applications.
    events = storedHistory([...spec7Commands(), ...as('kolkata', DENIALS_HISTORY), ...as('reclaim', RECLAIM_HISTORY), ...as('aut', APPLICATIONS)], {
      onRejected: 'skip',
    });
    harness = await projectionHarness([capacityProjection], events, { batchSize: 9 });
  });
  afterAll(() => harness.close());
  const context = () => harness.context(LATER);
  const explain = (report: string, params: Record<string, string>) => explainCapacityFigure(report, params, context(), storedLog(events));

  /** Explains every figure of every bucket of the report and checks each against the body and its items. */
  async function explainEveryFigure(report: string, params: Record<string, string>): Promise<Map<string, SeriesExplanation>> {
    const body = (await runReport(findReport(report), params, context())) as SeriesBody;
    const all = new Map<string, SeriesExplanation>();
    expect(body.buckets!.length).toBeGreaterThan(0);
    for (const bucket of body.buckets!) {
      for (const [metric, figure] of figuresOf(bucket)) {
        const e = await explain(report, { ...params, bucket: bucket.start, metric });
        expect({ metric, bucket: e.bucket, value: e.value }).toEqual({ metric, bucket: { start: bucket.start, end: bucket.end }, value: figure });
        if (metric !== 'projected')
          expect({ metric, start: bucket.start, listed: listedFigure(report, metric, e) }).toEqual({ metric, start: bucket.start, listed: figure });
        expect(e.asOfPosition).toBe(body.asOfPosition);
        expect([...citedPositions({ ...e, events: [], asOfPosition: null })].sort()).toEqual(e.events.map((v) => v.position).sort());
        all.set(`${bucket.start} ${metric}`, e);
      }
    }
    return all;
  }

  const KRE_DAY = { accountId: 'acme', product: 'KRE', from: '2026-03-02', to: '2026-03-02' };

  it('what-if on the SPEC §7 day: s4 refused (its SessionDenied), the peak of 2 at 10:30 local, and every hour and day figure', async () => {
    const day = await explainEveryFigure('what-if', { ...KRE_DAY, interval: 'day' });
    const start = '2026-03-02T00:00:00.000-05:00';
    const denied = day.get(`${start} denied`)! as Details;
    expect(denied).toMatchObject({
      value: 1,
      deniedDuration: 3600,
      refused: [
        { demand: 'denied attempt', id: 's4', userId: 'u3', start: '2026-03-02T15:45:00.000Z', end: '2026-03-02T16:45:00.000Z', admitted: false },
      ],
    });
    expect(denied.events.map((e: Details) => [e.type, e.position])).toEqual([['SessionDenied', denied.refused[0].event]]);
    expect(day.get(`${start} unmetSeconds`)).toMatchObject({ value: 3600, totalSeconds: 3600, refused: [{ id: 's4', secondsInBucket: 3600 }] });
    const peak = day.get(`${start} peakUsage`)! as Details;
    expect(peak).toMatchObject({ value: 2, peakAt: '2026-03-02T15:30:00.000Z' });
    expect(peak.units.map((u: Details) => [u.id, u.admitted])).toEqual([
      ['s1', true],
      ['s2', true],
    ]);
    expect(peak.events.map((e: Details) => e.type)).toEqual(['SessionStarted', 'SessionStarted', 'SessionEnded', 'SessionEnded']);
    expect(day.get(`${start} availableSessions`)).toMatchObject({ value: 2, purchases: [{ purchaseId: 'p2', quantity: 2 }] });
    expect(day.get(`${start} actual.denied`)).toMatchObject({ value: 1, denied: [{ id: 's4' }] });
    await explainEveryFigure('what-if', { ...KRE_DAY, interval: 'hour' });
  });

  it("what-if under a hypothesis: quantity 3 admits s4 (3 open at 10:45 local); mobile:1 refuses s4 and s3 from mobile's own unit", async () => {
    const three = await explainEveryFigure('what-if', { ...KRE_DAY, interval: 'day', quantity: '3' });
    const start = '2026-03-02T00:00:00.000-05:00';
    const peak = three.get(`${start} peakUsage`)! as Details;
    expect(peak).toMatchObject({ value: 3, peakAt: '2026-03-02T15:45:00.000Z' });
    expect(peak.units.map((u: Details) => [u.id, u.demand, u.admitted])).toEqual([
      ['s1', 'session', true],
      ['s2', 'session', true],
      ['s4', 'denied attempt', true],
    ]);
    expect(three.get(`${start} availableSessions`)).toMatchObject({ value: 3, hypothesis: { scope: 'account', quantity: 3 } });
    expect(three.get(`${start} actual.availableSessions`)).toMatchObject({ value: 2, purchases: [{ quantity: 2 }] });
    expect(three.get(`${start} denied`)).toMatchObject({ value: 0, refused: [] });

    const mobile = await explainEveryFigure('what-if', { ...KRE_DAY, interval: 'day', orgId: 'mobile', dedications: 'mobile:1' });
    expect((mobile.get(`${start} denied`)! as Details).refused.map((r: Details) => [r.id, r.source, r.availableAtStart])).toEqual([
      ['s4', 'mobile', 0],
      ['s3', 'mobile', 0],
    ]);
    expect(mobile.get(`${start} unmetSeconds`)).toMatchObject({ value: 5400 });
    expect(mobile.get(`${start} actual.availableSessions`)).toMatchObject({ value: 0, dedication: null });
    await explainEveryFigure('what-if', { ...KRE_DAY, interval: 'hour', orgId: 'mobile', dedications: 'mobile:1', deniedDuration: '5400' });
  });

  it('what-if on TrueTest names the figures as aut-usage; with 3 applications b is admitted at 10:30 beside long (held) and a', async () => {
    const params = { accountId: 'aut', product: 'TRUETEST', from: '2026-03-02', to: '2026-03-02' };
    const real = await explainEveryFigure('what-if', { ...params, interval: 'day' });
    const start = '2026-03-02T00:00:00.000Z';
    // b demands the median of a (3600 s) and b (1500 s): 2550 s.
    expect(real.get(`${start} denied`)).toMatchObject({
      value: 1,
      deniedDuration: 2550,
      refused: [{ id: 'b', demand: 'denied attempt', source: 'account', availableAtStart: 0 }],
    });
    expect(real.get(`${start} purchased`)).toMatchObject({ value: 2, purchases: [{ purchaseId: 't1' }] });
    const three = await explainEveryFigure('what-if', { ...params, interval: 'hour', quantity: '3' });
    const peak = three.get('2026-03-02T10:00:00.000Z peakActiveApplications')! as Details;
    expect(peak).toMatchObject({ value: 3, peakAt: '2026-03-02T10:30:00.000Z' });
    expect(peak.units.map((u: Details) => [u.id, u.demand])).toEqual([
      ['long', "held (open at the window's start)"],
      ['a', 'activation'],
      ['b', 'denied attempt'],
    ]);
    expect(peak.events.map((e: Details) => e.type)).toEqual([
      'ApplicationActivated',
      'ApplicationActivated',
      'ApplicationDenied',
      'ApplicationReleased',
      'ApplicationReleased',
    ]);
  });

  it('denials in Asia/Kolkata: which attempts were counted, which were folded and into which, across the local midnight', async () => {
    const params = { accountId: 'kolkata', product: 'KRE', from: '2026-03-02', to: '2026-03-03' };
    const days = await explainEveryFigure('denials', { ...params, interval: 'day' });
    const second = days.get('2026-03-02T00:00:00.000+05:30 trueDenials')! as Details;
    expect(second.counted.map((a: Details) => a.attemptId)).toEqual(['d1', 'd4', 'd5', 'd6']);
    const d1 = second.counted[0].event;
    expect(second.folded.map((a: Details) => [a.attemptId, a.foldedInto])).toEqual([
      ['d2', d1],
      ['d3', d1],
    ]);
    const third = days.get('2026-03-03T00:00:00.000+05:30 attempts')! as Details;
    // d7 (00:02 local) folds into d6 of the day before, which the explanation cites.
    expect(third.attempts).toMatchObject([
      { attemptId: 'd7', counted: false, foldedInto: second.counted[3].event, foldedIntoAt: '2026-03-02T18:25:00.000Z' },
    ]);
    expect(third.events.map((e: Details) => e.type)).toEqual(['SessionDenied', 'SessionDenied']);
    const unmet = days.get('2026-03-02T00:00:00.000+05:30 unmetUsers')! as Details;
    expect(unmet.unmet.map((u: Details) => [u.holder, u.lastDenial.attemptId])).toEqual([['u2', 'd6']]);
    expect(unmet.met).toMatchObject([{ holder: 'u3', lastDenial: { attemptId: 'd5' }, startedWithin: ['2026-03-02T04:38:00.000Z'] }]);
    expect(days.get('2026-03-02T00:00:00.000+05:30 uniqueUsers')).toMatchObject({
      value: 2,
      users: [
        { holder: 'u2', attempts: 5 },
        { holder: 'u3', attempts: 1 },
      ],
    });
    await explainEveryFigure('denials', { ...params, interval: 'hour', retryWindow: '300' });
    await explainEveryFigure('denials', { ...params, interval: 'day', orgId: 'qa' });
  });

  it('reclaim-backtest: the seats held at each latest record, under the policy with their reclaims and returns, and in reality', async () => {
    const params = { accountId: 'reclaim', product: 'KSE', idleDays: '2', from: '2026-03-01', to: '2026-03-15' };
    const weeks = await explainEveryFigure('reclaim-backtest', { ...params, interval: 'week' });
    const policy = weeks.get('2026-03-02T00:00:00.000Z assigned')! as Details;
    // At the end of 8 Mar: u1 back since 6 Mar 12:00 (reclaimed 4 Mar), u4 active daily; u3 reclaimed on 4 Mar, u2 unassigned.
    expect(policy).toMatchObject({ value: 2, recordAt: '2026-03-08T23:59:59.999Z', idleDays: 2 });
    expect(policy.seats.map((s: Details) => [s.userId, s.heldUnderPolicySince, s.reclaims])).toEqual([
      [
        'u1',
        '2026-03-06T12:00:00.000Z',
        [{ idleSince: '2026-03-02T00:00:00.000Z', reclaimedAt: '2026-03-04T00:00:00.000Z', returnedAt: '2026-03-06T12:00:00.000Z' }],
      ],
      ['u4', '2026-03-01T00:00:00.000Z', []],
    ]);
    expect(policy.events.map((e: Details) => [e.type, e.data.userId])).toEqual([
      ['SeatAssigned', 'u1'],
      ['SeatAssigned', 'u4'],
    ]);
    expect((weeks.get('2026-03-02T00:00:00.000Z assignedActual')! as Details).seats.map((s: Details) => s.userId)).toEqual(['u1', 'u4', 'u3']);
    await explainEveryFigure('reclaim-backtest', { ...params, to: '2026-03-20', interval: 'day', orgId: 'qa' });
  });

  it('forecast: a past value lists what it counts, a projected one the line through the past values', async () => {
    const seats = await explainEveryFigure('forecast', {
      accountId: 'reclaim',
      product: 'KSE',
      interval: 'week',
      to: '2026-03-22',
      history: '3',
      horizon: '2',
    });
    expect(seats.get('2026-03-09T00:00:00.000Z value')).toMatchObject({ value: 3, recordAt: '2026-03-15T23:59:59.999Z' });
    expect(seats.get('2026-03-23T00:00:00.000Z projected')).toMatchObject({ x: 3, past: [{ x: 0 }, { x: 1 }, { x: 2 }] });
    const sessions = await explainEveryFigure('forecast', {
      accountId: 'kolkata',
      product: 'KRE',
      interval: 'week',
      to: '2026-03-08',
      history: '2',
      horizon: '1',
    });
    expect(sessions.get('2026-03-02T00:00:00.000+05:30 value')).toMatchObject({ value: 1, sessions: [{ id: 's1' }] });
  });

  it('refuses a metric the report has not, a bucket that is not one of its starts, and the other kind of forecast figure', async () => {
    await expect(explain('what-if', { ...KRE_DAY, interval: 'day', bucket: '2026-03-02T05:00:00Z', metric: 'attempts' })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [{ path: 'metric', message: expect.stringContaining('unmetSeconds') }],
    });
    await expect(explain('what-if', { ...KRE_DAY, interval: 'day', bucket: '2026-03-02T06:00:00Z', metric: 'denied' })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [{ path: 'bucket', message: expect.stringContaining('2026-03-02T00:00:00.000-05:00') }],
    });
    await expect(explain('what-if', { ...KRE_DAY, interval: 'day', metric: 'denied' })).rejects.toMatchObject({ errors: [{ path: 'bucket' }] });
    await expect(
      explain('forecast', {
        accountId: 'reclaim',
        product: 'KSE',
        to: '2026-03-22',
        history: '3',
        horizon: '2',
        bucket: '2026-03-23T00:00:00Z',
        metric: 'value',
      }),
    ).rejects.toMatchObject({ errors: [{ path: 'metric', message: expect.stringContaining('metric=projected') }] });
    await expect(
      explain('what-if', { ...KRE_DAY, accountId: 'nobody', interval: 'day', bucket: '2026-03-02T05:00:00Z', metric: 'denied' }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
