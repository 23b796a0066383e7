import type { LedgerCommand } from '../../../domain/src/commands.js';
import { cmd } from '../../../domain/src/testing/decider-spec.js';
import { SPEC7_KRE_PURCHASE, SPEC7_KRE_SESSIONS, SPEC7_SETUP } from '../../../domain/src/testing/spec-7-example.js';
import { storedHistory } from '../../../../test/support/stored-history.js';
import { IN_MEMORY, openDatabase, type LedgerDatabase } from '../../../database/src/database.js';
import { sessionsProjection } from '../../../../projections/sessions.projection.js';
import { runReport } from '../reports.service.js';
import { projectionHarness, type ProjectionHarness } from '../testing/projection-harness.js';
import type { SeriesBody } from '../report-definition.js';
import type { StoredEvent } from '../../../event-store/src/event-store.js';
import { peaksWithin } from '../../../domain/src/rules/peak-sweep.js';
import { randomHistory } from '../testing/random-history.js';
import { sessionUsageReport } from './session-usage.js';

const NY = 'America/New_York';

/** SPEC §7 (testing/spec-7-example.ts), the directory and the KRE part. */
const SPEC7_KRE: LedgerCommand[] = [...SPEC7_SETUP, SPEC7_KRE_PURCHASE, ...SPEC7_KRE_SESSIONS];

const LATER = Date.parse('2026-06-01T00:00:00Z');
const NEXT_YEAR = Date.parse('2027-01-01T00:00:00Z');

type Params = Record<string, string>;
const usage = async (harness: ProjectionHarness, now: number, params: Params) =>
  (await runReport(sessionUsageReport, { accountId: 'acme', product: 'KRE', ...params }, harness.context(now))) as SeriesBody;
const metrics = (body: SeriesBody) => body.buckets!.map(({ start, end: _end, ...m }) => ({ start, ...m }));

describe.each([1, 4, 500])('session-usage: SPEC §7 KRE example (batches of %i)', (batchSize) => {
  let harness: ProjectionHarness;
  beforeAll(async () => {
    harness = await projectionHarness([sessionsProjection], storedHistory(SPEC7_KRE, { onRejected: 'skip' }), { batchSize });
  });
  afterAll(() => harness.close());

  it('interval=day on 2026-03-02: availableSessions 2, peakUsage 2, denied 1, averagePeak 0.17', async () => {
    const body = await usage(harness, LATER, { from: '2026-03-02', to: '2026-03-02', interval: 'day' });
    expect(body).toMatchObject({
      report: 'session-usage',
      accountId: 'acme',
      product: 'KRE',
      orgId: null,
      interval: 'day',
      timezone: NY,
      from: '2026-03-02',
      to: '2026-03-02',
    });
    expect(body.asOfPosition).toMatch(/^\d+\/\d+$/);
    expect(body.buckets).toEqual([
      {
        start: '2026-03-02T00:00:00.000-05:00',
        end: '2026-03-03T00:00:00.000-05:00',
        availableSessions: 2,
        peakUsage: 2,
        averagePeak: 0.17,
        denied: 1,
      },
    ]);
  });

  it('interval=hour: 10:00 and 11:00 peak at 2, 12:00 is 0; the denial at 10:45', async () => {
    const body = await usage(harness, LATER, { from: '2026-03-02', to: '2026-03-02', interval: 'hour' });
    expect(body.buckets).toHaveLength(24);
    const byHour = body.buckets!.map((b) => [b.peakUsage, b.averagePeak, b.denied]);
    expect(byHour[9]).toEqual([0, 0, 0]);
    expect(byHour[10]).toEqual([2, 2, 1]);
    expect(byHour[11]).toEqual([2, 2, 0]);
    expect(byHour[12]).toEqual([0, 0, 0]);
    expect(body.buckets!.every((b) => b.availableSessions === 2)).toBe(true);
  });

  it('orgId=mobile: u2 and u3 (s2, s3) peak at 2 from 11:00; the denial was u3, in mobile', async () => {
    const body = await usage(harness, LATER, { from: '2026-03-02', to: '2026-03-02', interval: 'hour', orgId: 'mobile' });
    expect(body.orgId).toBe('mobile');
    const byHour = body.buckets!.map((b) => [b.peakUsage, b.denied, b.availableSessions]);
    expect(byHour[10]).toEqual([1, 1, 0]);
    expect(byHour[11]).toEqual([2, 0, 0]);
  });

  it('groupBy=org: one series per top-level org (qa holds everyone)', async () => {
    const body = await usage(harness, LATER, { from: '2026-03-02', to: '2026-03-02', interval: 'day', groupBy: 'org' });
    expect(body.buckets).toBeUndefined();
    expect(body.series).toEqual([{ orgId: 'qa', name: 'QA', buckets: [expect.objectContaining({ peakUsage: 2, denied: 1, averagePeak: 0.17 })] }]);
  });

  it('week and month: averagePeak is the mean of the daily peaks of the days inside the window', async () => {
    // 2026-03-02 is a Monday; the window 03-01..03-04 clips the first week to Sunday 03-01 alone.
    const weeks = await usage(harness, LATER, { from: '2026-03-01', to: '2026-03-04', interval: 'week' });
    expect(metrics(weeks)).toEqual([
      { start: '2026-03-01T00:00:00.000-05:00', availableSessions: 2, peakUsage: 0, averagePeak: 0, denied: 0 },
      { start: '2026-03-02T00:00:00.000-05:00', availableSessions: 2, peakUsage: 2, averagePeak: 0.67, denied: 1 },
    ]);
    const months = await usage(harness, LATER, { from: '2026-02-01', to: '2026-04-30', interval: 'month' });
    expect(months.buckets!.map((b) => [b.availableSessions, b.peakUsage, b.averagePeak, b.denied])).toEqual([
      [0, 0, 0, 0], // purchased Feb 20, starting March 1
      [2, 2, 0.06, 1], // 2 / 31 days; the purchase ends exactly at the bucket end and still counts for March
      [0, 0, 0, 0],
    ]);
  });

  it('the bucket containing now is computed up to now', async () => {
    const now = Date.parse('2026-03-02T15:50:00Z'); // 10:50 local: s1, s2 open; s4 denied at 10:45
    const body = await usage(harness, now, { from: '2026-03-02', to: '2026-03-05', interval: 'day' });
    expect(body.buckets).toHaveLength(1);
    // Hours 00:00..10:00 exist up to now (11 hours); only 10:00 has sessions (2).
    expect(body.buckets![0]).toMatchObject({ availableSessions: 2, peakUsage: 2, denied: 1, averagePeak: 0.18 });
  });
});

describe('session-usage: leases, back-to-back sessions, DST, clipping', () => {
  let database: LedgerDatabase;
  beforeAll(async () => {
    database = await openDatabase({ dataDir: IN_MEMORY });
  });
  afterAll(() => database.close());
  const base: LedgerCommand[] = [
    cmd('OpenAccount', '2026-01-05T13:00:00Z', { name: 'Acme', timezone: NY }),
    cmd('CreateOrganization', '2026-01-05T13:01:00Z', { orgId: 'qa', name: 'QA' }),
    cmd('CreateOrganization', '2026-01-05T13:02:00Z', { orgId: 'ops', name: 'Ops' }),
    cmd('RegisterUser', '2026-01-05T13:03:00Z', { userId: 'u1', email: 'u1@acme.example', fullName: 'User One', orgId: 'qa' }),
    cmd('RegisterUser', '2026-01-05T13:04:00Z', { userId: 'u2', email: 'u2@acme.example', fullName: 'User Two', orgId: 'ops' }),
    cmd('PurchaseLicenses', '2026-01-05T14:00:00Z', {
      purchaseId: 'p1',
      product: 'KRE',
      quantity: 3,
      startsAt: '2026-01-01T00:00:00Z',
      expiresAt: '2027-06-01T00:00:00Z',
    }),
  ];
  const at = (iso: string) => Date.parse(iso);

  it('back-to-back: a session ending at t and one starting at t peak at 1', async () => {
    const events = storedHistory([
      ...base,
      cmd('StartSession', '2026-03-02T15:00:00Z', { product: 'KRE', sessionId: 'a', userId: 'u1', machineId: 'm1' }),
      cmd('EndSession', '2026-03-02T15:07:00Z', { sessionId: 'a' }),
      cmd('StartSession', '2026-03-02T15:07:00Z', { product: 'KRE', sessionId: 'b', userId: 'u2', machineId: 'm2' }),
      cmd('EndSession', '2026-03-02T15:12:00Z', { sessionId: 'b' }),
    ]);
    const harness = await projectionHarness([sessionsProjection], events, { database });
    try {
      const body = await usage(harness, LATER, { from: '2026-03-02', to: '2026-03-02', interval: 'day' });
      expect(body.buckets![0]).toMatchObject({ peakUsage: 1, availableSessions: 3 });
    } finally {
      await harness.close();
    }
  });

  it('a lapsed lease ends the session at lastSeen + lease, before and after SessionExpired is appended', async () => {
    const start = [
      ...base,
      cmd('StartSession', '2026-03-02T15:00:00Z', { product: 'KRE', sessionId: 'a', userId: 'u1', machineId: 'm1' }),
      cmd('HeartbeatSession', '2026-03-02T15:10:00Z', { sessionId: 'a' }),
      // No more heartbeats: the lease (15 min) lapses at 15:25Z.
      cmd('StartSession', '2026-03-02T15:20:00Z', { product: 'KRE', sessionId: 'b', userId: 'u2', machineId: 'm2' }),
      cmd('EndSession', '2026-03-02T15:34:00Z', { sessionId: 'b' }),
    ];
    // Before SessionExpired: the EndSession of b appended it (the write side expires before deciding);
    // so fold only up to b's start to see a's lease computed at query time.
    const beforeExpiry = storedHistory(start.slice(0, -1));
    const harness = await projectionHarness([sessionsProjection], beforeExpiry, { database });
    try {
      const hours = async (now: number) => (await usage(harness, now, { from: '2026-03-02', to: '2026-03-02', interval: 'hour' })).buckets!;
      // Now = 16:00Z: a ended at 15:25Z by lease, b (no heartbeat since 15:20Z) at 15:35Z; both in 10:00–11:00 local.
      const late = await hours(at('2026-03-02T16:00:00Z'));
      expect(late[10]!.peakUsage).toBe(2);
      expect(late[11]!.peakUsage).toBe(0);
      await harness.fold(storedHistory(start).slice(beforeExpiry.length));
      const after = await hours(LATER);
      expect(after[10]!.peakUsage).toBe(2);
      expect(after[11]!.peakUsage).toBe(0);
      // The 15-minute slot 15:15Z–15:30Z holds both; 15:30Z–15:45Z only b until 15:35Z.
      const quarter = await usage(harness, LATER, { from: '2026-03-02', to: '2026-03-02', interval: 'hour' });
      expect(quarter.buckets![10]!.averagePeak).toBe(2);
    } finally {
      await harness.close();
    }
  });

  it('a lapsed lease is not counted after lastSeen + lease even with no event at all', async () => {
    const events = storedHistory([
      ...base,
      cmd('StartSession', '2026-03-02T15:00:00Z', { product: 'KRE', sessionId: 'a', userId: 'u1', machineId: 'm1' }),
    ]);
    const harness = await projectionHarness([sessionsProjection], events, { database });
    try {
      const body = await usage(harness, at('2026-03-03T12:00:00Z'), { from: '2026-03-02', to: '2026-03-03', interval: 'hour' });
      const peaks = body.buckets!.map((b) => b.peakUsage);
      expect(peaks[10]).toBe(1); // 10:00–11:00 local: open 15:00Z–15:15Z
      expect(peaks.reduce((a, b) => Number(a) + Number(b), 0)).toBe(1);
      // While it is still open (now inside the lease), it counts up to now.
      const live = await usage(harness, at('2026-03-02T15:05:00Z'), { from: '2026-03-02', to: '2026-03-02', interval: 'hour' });
      expect(live.buckets).toHaveLength(11);
      expect(live.buckets!.at(-1)).toMatchObject({ peakUsage: 1 });
    } finally {
      await harness.close();
    }
  });

  it('DST: the fall-back day averages 25 hourly peaks (America/New_York 2026-11-01)', async () => {
    // One session covering 01:00 EDT–03:00 EST local, i.e. 05:00Z–08:00Z: the hours 01:00 (EDT), 01:00 (EST), 02:00 (EST).
    const commands: LedgerCommand[] = [
      ...base,
      cmd('StartSession', '2026-11-01T05:00:00Z', { product: 'KRE', sessionId: 'a', userId: 'u1', machineId: 'm1' }),
    ];
    for (let m = 10; m < 180; m += 10)
      commands.push(cmd('HeartbeatSession', new Date(at('2026-11-01T05:00:00Z') + m * 60_000).toISOString(), { sessionId: 'a' }));
    commands.push(cmd('EndSession', '2026-11-01T08:00:00Z', { sessionId: 'a' }));
    const harness = await projectionHarness([sessionsProjection], storedHistory(commands), { database });
    try {
      const hours = await usage(harness, NEXT_YEAR, { from: '2026-11-01', to: '2026-11-01', interval: 'hour' });
      expect(hours.buckets).toHaveLength(25);
      expect(hours.buckets!.map((b) => b.peakUsage).filter((p) => p === 1)).toHaveLength(3);
      const day = await usage(harness, NEXT_YEAR, { from: '2026-11-01', to: '2026-11-01', interval: 'day' });
      expect(day.buckets![0]).toMatchObject({ peakUsage: 1, averagePeak: 0.12 }); // 3 / 25
    } finally {
      await harness.close();
    }
  });

  it('clips sessions to the window and to each bucket; a session over midnight counts on both days', async () => {
    // 23:30 local on 03-02 to 00:30 local on 03-03 (EST, UTC−5).
    const commands: LedgerCommand[] = [
      ...base,
      cmd('StartSession', '2026-03-03T04:30:00Z', { product: 'KRE', sessionId: 'a', userId: 'u1', machineId: 'm1' }),
    ];
    for (let m = 10; m < 60; m += 10)
      commands.push(cmd('HeartbeatSession', new Date(at('2026-03-03T04:30:00Z') + m * 60_000).toISOString(), { sessionId: 'a' }));
    commands.push(cmd('EndSession', '2026-03-03T05:30:00Z', { sessionId: 'a' }));
    const harness = await projectionHarness([sessionsProjection], storedHistory(commands), { database });
    try {
      const days = await usage(harness, LATER, { from: '2026-03-02', to: '2026-03-04', interval: 'day' });
      expect(days.buckets!.map((b) => [b.peakUsage, b.averagePeak])).toEqual([
        [1, 0.04],
        [1, 0.04],
        [0, 0],
      ]);
      const only3rd = await usage(harness, LATER, { from: '2026-03-03', to: '2026-03-03', interval: 'hour' });
      expect(only3rd.buckets!.map((b) => b.peakUsage).slice(0, 2)).toEqual([1, 0]);
    } finally {
      await harness.close();
    }
  });

  it('org scope: orgId takes the org and its descendants; availableSessions is its dedication at the bucket end', async () => {
    const commands: LedgerCommand[] = [
      ...base,
      cmd('CreateOrganization', '2026-01-05T14:05:00Z', { orgId: 'auto', name: 'Automation', parentOrgId: 'qa' }),
      cmd('RegisterUser', '2026-01-05T14:06:00Z', { userId: 'u3', email: 'u3@acme.example', fullName: 'User Three', orgId: 'auto' }),
      cmd('DedicateLicenses', '2026-03-02T14:00:00Z', { product: 'KRE', orgId: 'qa', quantity: 2 }),
      cmd('StartSession', '2026-03-02T15:00:00Z', { product: 'KRE', sessionId: 'a', userId: 'u1', machineId: 'm1' }),
      cmd('StartSession', '2026-03-02T15:01:00Z', { product: 'KRE', sessionId: 'b', userId: 'u3', machineId: 'm3' }),
      cmd('StartSession', '2026-03-02T15:02:00Z', { product: 'KRE', sessionId: 'c', userId: 'u2', machineId: 'm2' }),
      cmd('EndSession', '2026-03-02T15:10:00Z', { sessionId: 'a' }),
      cmd('EndSession', '2026-03-02T15:10:00Z', { sessionId: 'b' }),
      cmd('EndSession', '2026-03-02T15:10:00Z', { sessionId: 'c' }),
      cmd('DedicateLicenses', '2026-03-03T14:00:00Z', { product: 'KRE', orgId: 'qa', quantity: 1 }),
    ];
    const harness = await projectionHarness([sessionsProjection], storedHistory(commands), { batchSize: 3, database });
    try {
      const peaks = async (orgId?: string) =>
        (
          await usage(harness, LATER, {
            from: '2026-03-01',
            to: '2026-03-03',
            interval: 'day',
            ...(orgId ? { orgId } : {}),
          })
        ).buckets!.map((b) => [b.availableSessions, b.peakUsage]);
      expect(await peaks()).toEqual([
        [3, 0],
        [3, 3],
        [3, 0],
      ]);
      expect(await peaks('qa')).toEqual([
        [0, 0],
        [2, 2],
        [1, 0],
      ]);
      expect(await peaks('auto')).toEqual([
        [0, 0],
        [0, 1],
        [0, 0],
      ]);
      expect(await peaks('ops')).toEqual([
        [0, 0],
        [0, 1],
        [0, 0],
      ]);
      await expect(peaks('nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    } finally {
      await harness.close();
    }
  });

  it('rejects seat products, asOf and a missing range', async () => {
    const harness = await projectionHarness([sessionsProjection], storedHistory(base), { database });
    try {
      await expect(usage(harness, LATER, { product: 'KSE', from: '2026-03-01', to: '2026-03-02' })).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
      });
      await expect(usage(harness, LATER, { from: '2026-03-01' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
      await expect(
        sessionUsageReport.run(
          { accountId: 'acme', product: 'KRE', from: '2026-03-01', to: '2026-03-02', asOf: '2026-03-01T00:00:00Z', page: 1, pageSize: 50 },
          harness.context(LATER),
        ),
      ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
      await expect(
        runReport(sessionUsageReport, { accountId: 'other', product: 'KRE', from: '2026-03-01', to: '2026-03-02' }, harness.context(LATER)),
      ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    } finally {
      await harness.close();
    }
  });
});

describe('session-usage agrees with a brute-force sweep over the log (property)', () => {
  let database: LedgerDatabase;
  beforeAll(async () => {
    database = await openDatabase({ dataDir: IN_MEMORY });
  });
  afterAll(() => database.close());
  const LEASE = 900_000;
  const zones = ['America/New_York', 'Asia/Kolkata', 'Asia/Kathmandu', 'UTC'];

  /** Unit-drawing sessions of a product from the raw events: [start, end) and the user's org at start; denials likewise. */
  function fromLog(events: readonly StoredEvent[], product: string, now: number) {
    const userOrg = new Map<string, string>();
    const sessions = new Map<string, { org: string; start: number; lastSeen: number; end: number | null; unit: boolean }>();
    const denials: { org: string; at: number }[] = [];
    for (const e of events) {
      const d = e.data as Record<string, string>;
      const t = Date.parse(e.metadata.occurredAt);
      if (e.type === 'UserRegistered' || e.type === 'UserMoved') userOrg.set(d.userId!, d.orgId!);
      if (e.type === 'SessionStarted' && d.product === product) {
        sessions.set(d.sessionId!, { org: userOrg.get(d.userId!)!, start: t, lastSeen: t, end: null, unit: d.licenseType === 'online' });
      }
      if (e.type === 'SessionHeartbeatRecorded' && sessions.has(d.sessionId!)) sessions.get(d.sessionId!)!.lastSeen = t;
      if ((e.type === 'SessionEnded' || e.type === 'SessionExpired') && sessions.has(d.sessionId!))
        sessions.get(d.sessionId!)!.end = Date.parse(d.endedAt!);
      if (e.type === 'SessionDenied' && d.product === product) denials.push({ org: userOrg.get(d.userId!)!, at: t });
    }
    const intervals = [...sessions.values()]
      .filter((s) => s.unit)
      .map((s) => ({
        org: s.org,
        start: s.start,
        end: s.end ?? (s.lastSeen + LEASE <= now ? s.lastSeen + LEASE : Number.POSITIVE_INFINITY),
      }));
    return { intervals, denials };
  }

  it.each([11, 12, 13, 14, 15, 16])('random history, seed %i: hourly and daily peaks, averages and denials', async (seed) => {
    const timezone = zones[seed % zones.length]!;
    const history = randomHistory(seed, { steps: 300, timezone });
    const events = storedHistory(history.commands, { onRejected: 'skip', leaseMs: LEASE });
    const harness = await projectionHarness([sessionsProjection], events, { database, batchSize: 1 + ((seed * 53) % 90), leaseMs: LEASE });
    try {
      const orgParents = new Map<string, string | null>();
      for (const c of history.commands) if (c.type === 'CreateOrganization') orgParents.set(c.orgId, c.parentOrgId ?? null);
      const inSubtree = (org: string, root: string) => {
        for (let id: string | null = org; id !== null; id = orgParents.get(id) ?? null) if (id === root) return true;
        return false;
      };
      let nonZero = 0;
      for (const offset of [0, 7 * 60_000 + 13_000]) {
        const now = history.end + offset;
        for (const product of ['KRE', 'TC_DESKTOP']) {
          const { intervals, denials } = fromLog(events, product, now);
          for (const orgId of [null, ...history.orgIds]) {
            const mine = intervals.filter((i) => orgId === null || inSubtree(i.org, orgId));
            const params = { product, from: '2026-02-28', to: '2026-03-05', ...(orgId ? { orgId } : {}) };
            const hours = await usage(harness, now, { ...params, interval: 'hour' });
            const expected = hours.buckets!.map((b) => {
              const span = { start: Date.parse(b.start as string), end: Math.min(Date.parse(b.end as string), now) };
              return {
                peak: peaksWithin(mine, [span])[0]!,
                denied: denials.filter(
                  (x) => (orgId === null || inSubtree(x.org, orgId)) && x.at >= span.start && x.at < Date.parse(b.end as string) && x.at <= now,
                ).length,
              };
            });
            const context = { seed, timezone, product, orgId, offset };
            expect({ ...context, hours: hours.buckets!.map((b) => ({ peak: b.peakUsage, denied: b.denied })) }).toEqual({
              ...context,
              hours: expected,
            });
            if (orgId === null) nonZero += expected.filter((e) => e.peak > 1).length;
            const days = await usage(harness, now, { ...params, interval: 'day' });
            let h = 0;
            for (const day of days.buckets!) {
              const dayHours: number[] = [];
              while (h < expected.length && Date.parse(hours.buckets![h]!.start as string) < Date.parse(day.end as string))
                dayHours.push(expected[h++]!.peak);
              expect({ ...context, day: day.start, peak: day.peakUsage, averagePeak: day.averagePeak }).toEqual({
                ...context,
                day: day.start,
                peak: Math.max(0, ...dayHours),
                averagePeak: Math.round((dayHours.reduce((a, b) => a + b, 0) * 100) / dayHours.length) / 100,
              });
            }
          }
        }
      }
      expect(nonZero).toBeGreaterThan(0);
    } finally {
      await harness.close();
    }
  });
});
