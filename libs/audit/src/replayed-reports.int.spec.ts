import { accountStreamId } from '../../domain/src/streams.js';
import { cmd } from '../../domain/src/testing/decider-spec.js';
import { spec7Example } from '../../domain/src/testing/spec-7-example.js';
import { formatPosition } from '../../event-store/src/event-store.js';
import type { StoredLedgerEvent } from '../../event-store/src/stored-ledger-event.js';
import { REPORTS } from '../../reports/src/catalog.js';
import type { SeriesBody, TableBody } from '../../contracts/src/index.js';
import { parseReportRequest } from '../../report-contract/src/report-request.js';
import { runReport } from '../../reports/src/reports.service.js';
import { seededRandom, randomHistory } from '../../reports/src/testing/random-history.js';
import { projectionHarness, type ProjectionHarness } from '../../reports/src/testing/projection-harness.js';
import { randomSeatHistory, randomSeriesQueries, SEEDS } from '../../reports/src/testing/random-seat-history.js';
import { storedHistory } from '../../../test/support/stored-history.js';
import { applicationsProjection } from '../../../projections/applications.projection.js';
import { seatUsageProjection } from '../../../projections/seat-usage.projection.js';
import { sessionsProjection } from '../../../projections/sessions.projection.js';
import { REPLAYED_REPORTS } from './catalog.js';

/**
 * The replayed reports (computed from the events in memory) give the very body the projected reports
 * give (projections folded on PGlite) for the same events, request and now.
 */

const LEASE = 900_000;
const PROJECTIONS = [seatUsageProjection, sessionsProjection, applicationsProjection];

function both(
  harness: ProjectionHarness,
  events: readonly StoredLedgerEvent[],
  name: string,
  parameters: Record<string, string>,
  now: number,
  allRows = false,
) {
  const definition = REPORTS.find((r) => r.name === name)!;
  const replayed = REPLAYED_REPORTS.find((r) => r.name === name)!;
  const request = parseReportRequest(parameters, definition);
  return Promise.all([
    runReport(definition, parameters, harness.context(now), { allRows }),
    replayed.run(events, allRows ? { ...request, allRows } : request, { now, leaseMs: LEASE }),
  ]);
}

async function expectSame(
  harness: ProjectionHarness,
  events: readonly StoredLedgerEvent[],
  name: string,
  parameters: Record<string, string>,
  now: number,
  allRows = false,
) {
  const [projected, replayed] = await both(harness, events, name, parameters, now, allRows);
  const label = { name, now: new Date(now).toISOString(), ...parameters, allRows };
  // Several accounts share a harness: the projected position is the log's, the replayed one the account's last event.
  expect({ label, body: { ...replayed, asOfPosition: projected.asOfPosition } }).toEqual({ label, body: projected });
  expect(replayed.asOfPosition).toBe(events.length === 0 ? null : formatPosition(events.at(-1)!.position));
  return projected;
}

/** The accounts' histories one after the other in one global log. */
function oneLog(histories: readonly StoredLedgerEvent[][]): StoredLedgerEvent[] {
  return histories.flat().map((e, i) => ({ ...e, position: { commit: BigInt(i + 1), prepare: BigInt(i + 1) } }));
}

const ofAccount = (events: readonly StoredLedgerEvent[], accountId: string) => events.filter((e) => e.streamId === accountStreamId(accountId));

describe('SPEC §7 worked example', () => {
  const commands = spec7Example();
  const events = storedHistory(commands, { onRejected: 'skip', leaseMs: LEASE });
  const now = Date.parse('2026-04-01T00:00:00Z');
  let harness: ProjectionHarness;
  beforeAll(async () => {
    harness = await projectionHarness(PROJECTIONS, events, { leaseMs: LEASE });
  });
  afterAll(() => harness.close());

  test('seat-usage KSE: one active user on 2026-01-06 and one on 2026-01-07, as projected', async () => {
    const body = (await expectSame(
      harness,
      events,
      'seat-usage',
      { accountId: 'acme', product: 'KSE', from: '2026-01-06', to: '2026-01-07', interval: 'day' },
      now,
    )) as SeriesBody;
    expect(body.buckets!.map((b) => b.activeUsers)).toEqual([1, 1]);
    await expectSame(
      harness,
      events,
      'seat-usage',
      { accountId: 'acme', product: 'KSE', from: '2026-01-01', to: '2026-02-28', interval: 'month', groupBy: 'org' },
      now,
    );
  });

  test('session-usage KRE on 2026-03-02: 2 available, peak 2, average peak 0.17, 1 denied, as projected', async () => {
    const body = (await expectSame(
      harness,
      events,
      'session-usage',
      { accountId: 'acme', product: 'KRE', from: '2026-03-02', to: '2026-03-02', interval: 'day' },
      now,
    )) as SeriesBody;
    expect(body.buckets![0]).toMatchObject({ availableSessions: 2, peakUsage: 2, averagePeak: 0.17, denied: 1 });
    for (const interval of ['hour', 'week', 'month']) {
      await expectSame(
        harness,
        events,
        'session-usage',
        { accountId: 'acme', product: 'KRE', from: '2026-03-01', to: '2026-03-03', interval, groupBy: 'org' },
        now,
      );
    }
  });

  test('sessions KRE: s1, s2, s3 ended, every row as projected', async () => {
    const body = (await expectSame(harness, events, 'sessions', { accountId: 'acme', product: 'KRE' }, now, true)) as TableBody;
    expect(body.rows.map((r) => r.sessionId)).toEqual(['s3', 's2', 's1']);
  });
});

describe('groupBy=org', () => {
  const at = (minute: number) => new Date(Date.parse('2026-03-02T15:00:00Z') + minute * 60_000).toISOString();
  const commands = [
    cmd('OpenAccount', at(0), { name: 'Acme', timezone: 'UTC' }),
    cmd('CreateOrganization', at(1), { orgId: 'z', name: 'Zeta' }),
    cmd('CreateOrganization', at(2), { orgId: 'a', name: 'Alpha' }),
    cmd('CreateOrganization', at(3), { orgId: 'm', name: 'Alpha' }),
    cmd('RegisterUser', at(4), { userId: 'u1', email: 'u1@acme.example', fullName: 'User One', orgId: 'z' }),
    cmd('PurchaseLicenses', at(5), { purchaseId: 'p1', product: 'KRE', quantity: 2, startsAt: at(0), expiresAt: '2027-01-01T00:00:00Z' }),
    cmd('StartSession', at(6), { product: 'KRE', sessionId: 's1', userId: 'u1', machineId: 'm1' }),
  ];
  const events = storedHistory(commands, { leaseMs: LEASE });
  const now = Date.parse(at(10));
  let harness: ProjectionHarness;
  beforeAll(async () => {
    harness = await projectionHarness(PROJECTIONS, events, { leaseMs: LEASE });
  });
  afterAll(() => harness.close());

  test.each(['session-usage', 'seat-usage'])('%s lists the child orgs by name, then id, not in creation order', async (name) => {
    const product = name === 'session-usage' ? 'KRE' : 'KSE';
    const body = (await expectSame(
      harness,
      events,
      name,
      { accountId: 'acme', product, from: '2026-03-02', to: '2026-03-02', groupBy: 'org' },
      now,
    )) as SeriesBody;
    expect(body.series!.map((s) => s.orgId)).toEqual(['a', 'm', 'z']);
  });
});

describe('seat histories (random, seeded)', () => {
  const histories = SEEDS.slice(0, 4).map(randomSeatHistory);
  const logs = new Map<string, StoredLedgerEvent[]>();
  let harness: ProjectionHarness;
  beforeAll(async () => {
    const log = oneLog(
      histories.map((h) =>
        storedHistory(h.commands, { onRejected: 'skip', leaseMs: LEASE }).filter((e) => Date.parse(e.metadata.occurredAt) <= h.now),
      ),
    );
    for (const h of histories) logs.set(h.accountId, ofAccount(log, h.accountId));
    harness = await projectionHarness(PROJECTIONS, log, { batchSize: 41, leaseMs: LEASE });
  });
  afterAll(() => harness.close());

  test.each(histories.map((h, i) => [h.accountId, h.zone, i]))(
    '%s (%s): seat-usage and sessions for random windows, scopes and filters',
    async (accountId, _zone, i) => {
      const h = histories[i as number]!;
      const events = logs.get(accountId as string)!;
      const orgIds = ['o0', 'o1', 'o2', 'o3', 'o4'];
      for (const q of randomSeriesQueries(SEEDS[i as number]!, orgIds, h.now)) {
        await expectSame(
          harness,
          events,
          'seat-usage',
          {
            accountId: h.accountId,
            product: 'KSE',
            from: q.from,
            to: q.to,
            interval: q.interval,
            ...(q.orgId ? { orgId: q.orgId } : {}),
            ...(q.groupBy ? { groupBy: 'org' } : {}),
          },
          h.now,
        );
      }
      const rnd = seededRandom(SEEDS[i as number]!);
      for (const parameters of tableRequests(rnd, orgIds))
        await expectSame(harness, events, 'sessions', { accountId: h.accountId, product: 'KSE', ...parameters }, h.now);
    },
  );
});

describe('session histories (random, seeded) in New York and Kolkata', () => {
  const ZONES = ['America/New_York', 'Asia/Kolkata'];
  const seeds = [3, 4, 5, 6];
  const histories = seeds.map((seed) => {
    const history = randomHistory(seed, { steps: 300, timezone: ZONES[seed % 2] });
    const accountId = `acme${seed}`;
    return { ...history, accountId, commands: history.commands.map((c) => ({ ...c, accountId })) };
  });
  const logs = new Map<string, StoredLedgerEvent[]>();
  let harness: ProjectionHarness;
  beforeAll(async () => {
    const log = oneLog(histories.map((h) => storedHistory(h.commands, { onRejected: 'skip', leaseMs: LEASE })));
    for (const h of histories) logs.set(h.accountId, ofAccount(log, h.accountId));
    harness = await projectionHarness(PROJECTIONS, log, { batchSize: 53, leaseMs: LEASE });
  });
  afterAll(() => harness.close());

  test.each(histories.map((h, i) => [h.accountId, i]))('%s: session-usage, aut-usage, sessions and seat-usage', async (accountId, i) => {
    const h = histories[i as number]!;
    const events = logs.get(accountId as string)!;
    const rnd = seededRandom(seeds[i as number]! * 31);
    // Now: at the last event, and later (some leases lapse without SessionExpired).
    for (const now of [h.end, h.end + 7 * 60_000 + 13_000, h.end + 2 * LEASE]) {
      for (const q of randomSeriesQueries(seeds[i as number]!, h.orgIds, now, Date.parse('2026-02-27T00:00:00Z')).slice(0, 6)) {
        const scope = { from: q.from, to: q.to, interval: q.interval, ...(q.orgId ? { orgId: q.orgId } : {}) };
        for (const product of ['KRE', 'TC_DESKTOP']) {
          await expectSame(
            harness,
            events,
            'session-usage',
            { accountId: h.accountId, product, ...scope, ...(q.groupBy ? { groupBy: 'org' } : {}) },
            now,
          );
        }
        await expectSame(harness, events, 'aut-usage', { accountId: h.accountId, ...scope }, now);
        await expectSame(
          harness,
          events,
          'seat-usage',
          { accountId: h.accountId, product: 'KSE', ...scope, ...(q.groupBy ? { groupBy: 'org' } : {}) },
          now,
        );
      }
      for (const product of ['KRE', 'KSE']) {
        await expectSame(harness, events, 'sessions', { accountId: h.accountId, product }, now, true);
        for (const parameters of tableRequests(rnd, h.orgIds))
          await expectSame(harness, events, 'sessions', { accountId: h.accountId, product, ...parameters }, now);
      }
    }
  });
});

/** Random filters, sorts and pages of the sessions table. */
function tableRequests(rnd: () => number, orgIds: readonly string[]): Record<string, string>[] {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;
  const columns = [
    'sessionId',
    'userId',
    'user',
    'email',
    'machineId',
    'licenseSource',
    'organization',
    'licenseType',
    'started',
    'ended',
    'durationSeconds',
    'status',
  ];
  return Array.from({ length: 8 }, () => ({
    sort: `${rnd() < 0.5 ? '-' : ''}${pick(columns)}`,
    page: String(1 + Math.floor(rnd() * 3)),
    pageSize: String(1 + Math.floor(rnd() * 12)),
    ...(rnd() < 0.3 ? { orgId: pick(orgIds) } : {}),
    ...(rnd() < 0.3 ? { status: pick(['active', 'ended', 'expired']) } : {}),
    ...(rnd() < 0.2 ? { q: pick(['user 1', 'M3', 's1', '@ACME']) } : {}),
    ...(rnd() < 0.2 ? { licenseSource: pick(['Account', ...orgIds, 'org 1']) } : {}),
    ...(rnd() < 0.2 ? { from: '2026-03-01', to: pick(['2026-03-01', '2026-03-02', '2026-03-10']) } : {}),
  }));
}
