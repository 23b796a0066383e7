import { DateTime } from 'luxon';
import type { EventMap } from '../../../domain/src/events.js';
import { buckets as bucketsOf, localDaysIn, reportWindow } from '../../../domain/src/time/index.js';
import type { StoredEvent } from '../../../event-store/src/event-store.js';
import { openDatabase } from '../../../database/src/database.js';
import { TEST_DATABASE_URL } from '../../../database/src/testing/test-postgres.js';
import { storedHistory } from '../../../../test/support/stored-history.js';
import { seatHistoryProjection } from '../../../../projections/seat-history.projection.js';
import { seatUsageProjection } from '../../../../projections/seat-usage.projection.js';
import type { SeriesBody } from '../report-definition.js';
import { runReport } from '../reports.service.js';
import { projectionHarness, type ProjectionHarness } from '../testing/projection-harness.js';
import { randomSeatHistory, randomSeriesQueries, SEEDS, type SeriesQuery } from '../testing/random-seat-history.js';
import { seatHistoryReport } from './seat-history.report.js';
import { seatUsageReport } from './seat-usage.report.js';

/**
 * Property: for random histories (seeded), seat-history and seat-usage from the projections equal a
 * direct recomputation from the events in memory, for random windows, intervals, scopes and groupings.
 * The recomputation below is deliberately naive: it replays the events up to each bucket's instant.
 */

// ── The naive recomputation ───────────────────────────────────────────────────

type Data<K extends keyof EventMap> = EventMap[K];

interface Model {
  purchases: Map<string, { product: string; quantity: number; startsAt: number; expiresAt: number; recordedAt: number }>;
  dedications: Map<string, number>;
  seats: Map<string, { activated: boolean }>;
  userOrg: Map<string, string>;
}

/** The state after every event with at < x (events in log order). */
function stateBefore(events: readonly StoredEvent[], x: number): Model {
  const m: Model = { purchases: new Map(), dedications: new Map(), seats: new Map(), userOrg: new Map() };
  for (const e of events) {
    const at = Date.parse(e.metadata.occurredAt);
    if (!(at < x)) break;
    const d = e.data as Record<string, never>;
    switch (e.type) {
      case 'UserRegistered':
      case 'UserMoved':
        m.userOrg.set(d.userId, d.orgId);
        break;
      case 'LicensesPurchased': {
        const p = e.data as Data<'LicensesPurchased'>;
        m.purchases.set(p.purchaseId, {
          product: p.product,
          quantity: p.quantity,
          startsAt: Date.parse(p.startsAt),
          expiresAt: Date.parse(p.expiresAt),
          recordedAt: at,
        });
        break;
      }
      case 'PurchaseAmended': {
        const p = e.data as Data<'PurchaseAmended'>;
        const known = m.purchases.get(p.purchaseId)!;
        known.quantity = p.quantity;
        known.expiresAt = Date.parse(p.expiresAt);
        break;
      }
      case 'LicensesDedicated':
        m.dedications.set(`${d.product}/${d.orgId}`, d.quantity);
        break;
      case 'SeatAssigned':
        m.seats.set(`${d.product}/${d.userId}`, { activated: false });
        break;
      case 'SeatUnassigned':
        m.seats.delete(`${d.product}/${d.userId}`);
        break;
      case 'SeatActivated':
        m.seats.get(`${d.product}/${d.userId}`)!.activated = true;
        break;
    }
  }
  return m;
}

interface Tree {
  parent: Map<string, string | null>;
  name: Map<string, string>;
}

function treeOf(events: readonly StoredEvent[]): Tree {
  const tree: Tree = { parent: new Map(), name: new Map() };
  for (const e of events) {
    if (e.type !== 'OrganizationCreated') continue;
    const d = e.data as Data<'OrganizationCreated'>;
    tree.parent.set(d.orgId, d.parentOrgId);
    tree.name.set(d.orgId, d.name);
  }
  return tree;
}

function within(tree: Tree, orgId: string, root: string): boolean {
  for (let o: string | null = orgId; o !== null; o = tree.parent.get(o) ?? null) if (o === root) return true;
  return false;
}

interface Group {
  orgId: string | null;
  member: (orgId: string) => boolean;
}

function groupsOf(tree: Tree, orgId: string | undefined, groupBy: boolean): Group[] {
  if (!groupBy) return [{ orgId: orgId ?? null, member: (o) => orgId === undefined || within(tree, o, orgId) }];
  return [...tree.parent]
    .filter(([, parent]) => parent === (orgId ?? null))
    .map(([child]) => ({ orgId: child, member: (o: string) => within(tree, o, child) }));
}

/** Where a bucket's latest record is read: just before its end, or just after now for the current one. */
const recordInstant = (end: number, now: number) => (end <= now ? end - 0.5 : now + 0.5);

function expectedHistory(events: readonly StoredEvent[], q: SeriesQuery, zone: string, now: number) {
  const tree = treeOf(events);
  const list = bucketsOf({ from: q.from, to: q.to, interval: q.interval, zone, now });
  return groupsOf(tree, q.orgId, q.groupBy).map((g) => ({
    orgId: g.orgId,
    buckets: list.map((b) => {
      const x = recordInstant(b.end, now);
      const m = stateBefore(events, x);
      const purchased =
        g.orgId === null
          ? [...m.purchases.values()]
              .filter((p) => p.product === 'KSE' && Math.max(p.recordedAt, p.startsAt) <= x && x < p.expiresAt)
              .reduce((sum, p) => sum + p.quantity, 0)
          : (m.dedications.get(`KSE/${g.orgId}`) ?? 0);
      const held = [...m.seats].filter(([key]) => key.startsWith('KSE/') && g.member(m.userOrg.get(key.slice(4))!));
      return { start: b.startIso, end: b.endIso, purchased, assigned: held.length, activated: held.filter(([, s]) => s.activated).length };
    }),
  }));
}

function expectedUsage(events: readonly StoredEvent[], q: SeriesQuery, zone: string, now: number) {
  const tree = treeOf(events);
  const list = bucketsOf({ from: q.from, to: q.to, interval: q.interval, zone, now });
  const window = reportWindow(q.from, q.to, zone);
  const activity: { user: string; org: string; at: number; date: string }[] = [];
  const orgs = new Map<string, string>();
  for (const e of events) {
    const d = e.data as Record<string, string>;
    if (e.type === 'UserRegistered' || e.type === 'UserMoved') orgs.set(d.userId!, d.orgId!);
    if (['UserLoggedIn', 'UserActivityRecorded', 'SessionStarted'].includes(e.type) && d.product === 'KSE') {
      const at = Date.parse(e.metadata.occurredAt);
      activity.push({ user: d.userId!, org: orgs.get(d.userId!)!, at, date: DateTime.fromMillis(at, { zone }).toFormat('yyyy-MM-dd') });
    }
  }
  return groupsOf(tree, q.orgId, q.groupBy).map((g) => ({
    orgId: g.orgId,
    buckets: list.map((b) => {
      const mine = activity.filter((a) => g.member(a.org));
      let daily: number[];
      let active: Set<string>;
      if (q.interval === 'hour') {
        active = new Set(mine.filter((a) => a.at >= b.start && a.at < b.end).map((a) => a.user));
        daily = [active.size];
      } else {
        const dates = localDaysIn(b, zone, window, now).map((d) => d.date);
        active = new Set(mine.filter((a) => dates.includes(a.date)).map((a) => a.user));
        daily = dates.map((date) => new Set(mine.filter((a) => a.date === date).map((a) => a.user)).size);
      }
      const x = recordInstant(b.end, now);
      const m = stateBefore(events, x);
      const assigned = [...m.seats.keys()].filter((key) => key.startsWith('KSE/') && g.member(m.userOrg.get(key.slice(4))!)).length;
      return {
        start: b.startIso,
        end: b.endIso,
        activeUsers: active.size,
        averageDailyActive: daily.length === 0 ? 0 : Math.round((daily.reduce((a, c) => a + c, 0) * 100) / daily.length) / 100,
        peakDailyActive: Math.max(0, ...daily),
        assigned,
      };
    }),
  }));
}

describe('seat reports equal a recomputation from the events (random histories)', () => {
  const histories = SEEDS.map(randomSeatHistory);
  const logs = new Map<string, StoredEvent[]>();
  let harness: ProjectionHarness;

  beforeAll(async () => {
    const folded: StoredEvent[] = [];
    for (const h of histories) {
      const events = storedHistory(h.commands, { onRejected: 'skip' }).filter((e) => Date.parse(e.metadata.occurredAt) <= h.now);
      logs.set(h.accountId, events);
      folded.push(...events);
    }
    // SEAT_TEST_POSTGRES=1: the same on the PostgreSQL server instead of PGlite.
    const database = process.env.SEAT_TEST_POSTGRES === '1' ? await openDatabase({ databaseUrl: TEST_DATABASE_URL }) : undefined;
    harness = await projectionHarness([seatHistoryProjection, seatUsageProjection], folded, { batchSize: 37, database });
  });
  afterAll(async () => {
    await harness.close();
    if (process.env.SEAT_TEST_POSTGRES === '1') await harness.database.close();
  });

  it.each(SEEDS.map((seed, i) => [seed, i]))('seed %i', async (seed, i) => {
    const h = histories[i]!;
    const events = logs.get(h.accountId)!;
    expect(events.filter((e) => e.type === 'SeatAssigned').length).toBeGreaterThan(5);

    for (const q of randomSeriesQueries(seed, [...treeOf(events).parent.keys()], h.now)) {
      const params = {
        accountId: h.accountId,
        product: 'KSE',
        from: q.from,
        to: q.to,
        interval: q.interval,
        ...(q.orgId ? { orgId: q.orgId } : {}),
        ...(q.groupBy ? { groupBy: 'org' } : {}),
      };
      const label = JSON.stringify({ zone: h.zone, now: new Date(h.now).toISOString(), ...params });
      const shape = (body: SeriesBody) =>
        q.groupBy
          ? body.series!.map((s) => ({ orgId: s.orgId, buckets: s.buckets })).sort((a, b) => (a.orgId < b.orgId ? -1 : 1))
          : [{ orgId: q.orgId ?? null, buckets: body.buckets! }];
      const byOrg = <T extends { orgId: string | null }>(list: T[]) => list.sort((a, b) => ((a.orgId ?? '') < (b.orgId ?? '') ? -1 : 1));

      const history = (await runReport(seatHistoryReport, params, harness.context(h.now))) as SeriesBody;
      expect({ label, series: shape(history) }).toEqual({ label, series: byOrg(expectedHistory(events, q, h.zone, h.now)) });
      const usage = (await runReport(seatUsageReport, params, harness.context(h.now))) as SeriesBody;
      expect({ label, series: shape(usage) }).toEqual({ label, series: byOrg(expectedUsage(events, q, h.zone, h.now)) });
    }
  });
});
