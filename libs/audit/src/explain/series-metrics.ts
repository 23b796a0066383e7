import { activePurchases } from '../../../domain/src/pools.js';
import type { Product } from '../../../domain/src/products.js';
import { productView } from '../../../domain/src/state.js';
import {
  hoursIn,
  localDate,
  localDaysIn,
  type Bucket,
  type BucketInterval,
  type ReportWindow,
  type TimeSpan,
} from '../../../domain/src/time/index.js';
import type { StoredLedgerEvent } from '../../../event-store/src/stored-ledger-event.js';
import { mean2 } from '../../../domain/src/mean.js';
import type { EventReferences } from './event-references.js';
import { openAt, peakWithin } from '../../../domain/src/rules/peak-sweep.js';
import { sourceKey, stateWithSources } from './state-with-sources.js';
import type { UsageInterval, UsageTimeline, UserMoment } from './usage-timeline.js';

/** What one bucket of one series is explained from: the replayed events and the report's frame. */
export interface SeriesFrame {
  readonly events: readonly StoredLedgerEvent[];
  /** The usage history of the events (built on first use: seat and capacity metrics don't need it). */
  readonly timeline: () => UsageTimeline;
  readonly product: Product;
  readonly orgId: string | null;
  /** Organizations whose users count for the series (`orgId` and below); null for the whole account. */
  readonly orgs: ReadonlySet<string> | null;
  readonly zone: string;
  readonly interval: BucketInterval;
  readonly window: ReportWindow;
  readonly bucket: Bucket;
  readonly now: number;
  readonly refs: EventReferences;
}

export interface MetricExplanation {
  readonly value: number;
  readonly details: Record<string, unknown>;
}

const iso = (instant: number): string => new Date(instant).toISOString();

/** The instant of a bucket's latest record (SPEC §2): its last millisecond, or now for the current bucket. */
function recordInstant(frame: SeriesFrame): number {
  return Math.min(frame.bucket.end - 1, frame.now);
}

/**
 * `purchased` (account: the purchases active at the latest record; an org: its dedication) — also
 * `availableSessions` of session-usage and `purchased` of aut-usage.
 */
export function explainCapacity(frame: SeriesFrame): MetricExplanation {
  const at = recordInstant(frame);
  const replayed = stateWithSources(frame.events, at);
  if (frame.orgId !== null) {
    const quantity = productView(replayed.state, frame.product).dedications.get(frame.orgId) ?? 0;
    const event = quantity > 0 ? (replayed.dedications.get(sourceKey(frame.product, frame.orgId)) ?? null) : null;
    return {
      value: quantity,
      details: { recordAt: iso(at), dedication: event === null ? null : { orgId: frame.orgId, quantity, event: frame.refs.ref(event) } },
    };
  }
  const purchases = activePurchases(replayed.state, frame.product, at).map((p) => ({
    purchaseId: p.purchaseId,
    quantity: p.quantity,
    startsAt: iso(p.startsAt),
    expiresAt: iso(p.expiresAt),
    events: (replayed.purchases.get(p.purchaseId) ?? []).map((e) => frame.refs.ref(e)),
  }));
  return { value: purchases.reduce((sum, p) => sum + p.quantity, 0), details: { recordAt: iso(at), purchases } };
}

/** `assigned` / `activated`: the seats held by users in scope at the latest record. */
export function explainSeats(frame: SeriesFrame, activatedOnly: boolean): MetricExplanation {
  const at = recordInstant(frame);
  const replayed = stateWithSources(frame.events, at);
  const orgs = frame.orgs;
  const seats = [];
  for (const [userId, seat] of productView(replayed.state, frame.product).seats) {
    const orgId = replayed.state.users.get(userId)?.orgId ?? '';
    if (orgs !== null && !orgs.has(orgId)) continue;
    if (activatedOnly && !seat.activated) continue;
    const sources = replayed.seats.get(sourceKey(frame.product, userId));
    seats.push({
      userId,
      orgId,
      assignedAt: iso(seat.assignedAt),
      activated: seat.activated,
      assignedBy: sources ? frame.refs.ref(sources.assigned) : null,
      activatedBy: sources ? frame.refs.refOrNull(sources.activated) : null,
    });
  }
  seats.sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0));
  return { value: seats.length, details: { recordAt: iso(at), seats } };
}

/** `denied`: the SessionDenied events of users in scope (their organization at the attempt) in the bucket, up to now. */
export function explainDenied(frame: SeriesFrame): MetricExplanation {
  const orgs = frame.orgs;
  const denials = frame
    .timeline()
    .denials.filter((d) => d.product === frame.product && d.at >= frame.bucket.start && d.at < frame.bucket.end && d.at <= frame.now)
    .filter((d) => orgs === null || orgs.has(d.orgId))
    .map((d) => ({ sessionId: d.event.data.sessionId, userId: d.userId, orgId: d.orgId, at: iso(d.at), event: frame.refs.ref(d.event) }));
  return { value: denials.length, details: { denials } };
}

/** The intervals a concurrency metric counts: unit-drawing sessions of users in scope, or active applications. */
function concurrencyIntervals(frame: SeriesFrame, report: string): UsageInterval[] {
  if (report === 'aut-usage') return frame.orgId === null ? [...frame.timeline().applications] : [];
  const orgs = frame.orgs;
  return frame.timeline().sessions.filter((s) => s.product === frame.product && (orgs === null || orgs.has(s.orgId ?? '')));
}

/** The sub-buckets a peak is the max of and averagePeak the mean of (SPEC §4.5), ends clipped to now. */
function peakSubBuckets(frame: SeriesFrame): TimeSpan[] {
  const spans =
    frame.interval === 'hour'
      ? [frame.bucket]
      : frame.interval === 'day'
        ? hoursIn(frame.bucket, frame.zone, frame.now)
        : localDaysIn(frame.bucket, frame.zone, frame.window, frame.now);
  return spans.map((s) => ({ ...s, end: Math.max(s.start, Math.min(s.end, frame.now)) }));
}

function intervalView(frame: SeriesFrame, i: UsageInterval) {
  const common = {
    startedAt: iso(i.start),
    endedAt: Number.isFinite(i.end) ? iso(i.end) : null,
    ending: i.ending,
    started: frame.refs.ref(i.started),
    endedBy: frame.refs.refOrNull(i.endedBy),
  };
  return i.userId === null ? { applicationId: i.id, ...common } : { sessionId: i.id, userId: i.userId, orgId: i.orgId, ...common };
}

/** `peakUsage` / `peakActiveApplications`: the earliest instant of the peak and what was open then. */
export function explainPeak(frame: SeriesFrame, report: string): MetricExplanation {
  const intervals = concurrencyIntervals(frame, report);
  let best: { peak: number; at: number | null } = { peak: 0, at: null };
  for (const sub of peakSubBuckets(frame)) {
    const peak = peakWithin(intervals, sub.start, sub.end);
    if (peak.peak > best.peak) best = peak;
  }
  const open = best.at === null ? [] : openAt(intervals, best.at).map((i) => intervalView(frame, i));
  const key = report === 'aut-usage' ? 'applications' : 'sessions';
  return { value: best.peak, details: { peakAt: best.at === null ? null : iso(best.at), [key]: open } };
}

/** `averagePeak`: each sub-bucket's peak and its instant, and their mean (= the peak for an hour bucket). */
export function explainAveragePeak(frame: SeriesFrame, report: string): MetricExplanation {
  const intervals = concurrencyIntervals(frame, report);
  const key = report === 'aut-usage' ? 'applications' : 'sessions';
  const subBuckets = peakSubBuckets(frame).map((sub) => {
    const peak = peakWithin(intervals, sub.start, sub.end);
    const open = peak.at === null ? [] : openAt(intervals, peak.at);
    for (const i of open) frame.refs.ref(i.started);
    return { start: sub.startIso, end: sub.endIso, peak: peak.peak, peakAt: peak.at === null ? null : iso(peak.at), [key]: open.map((i) => i.id) };
  });
  const peaks = subBuckets.map((s) => s.peak);
  const value = frame.interval === 'hour' ? Math.max(0, ...peaks) : mean2(peaks);
  return { value, details: { subBuckets, mean: value } };
}

interface ActiveDay {
  readonly date: string;
  readonly start: string;
  readonly end: string;
  readonly users: { userId: string; orgId: string; at: string; event: string }[];
}

/** Per local day of the bucket (an hour bucket is its own only day), each active user in scope and their first qualifying event. */
function activeDays(frame: SeriesFrame): ActiveDay[] {
  const orgs = frame.orgs;
  const moments = frame.timeline().activity.filter((m) => m.product === frame.product && (orgs === null || orgs.has(m.orgId)));
  const spans =
    frame.interval === 'hour'
      ? [{ ...frame.bucket, date: localDate(frame.bucket.start, frame.zone) }]
      : localDaysIn(frame.bucket, frame.zone, frame.window, frame.now);
  const firsts = new Map<string, Map<string, UserMoment>>(spans.map((s) => [s.date, new Map()]));
  for (const m of moments) {
    if (m.at < spans[0]!.start || m.at >= spans.at(-1)!.end) continue;
    const users = frame.interval === 'hour' ? firsts.get(spans[0]!.date) : firsts.get(localDate(m.at, frame.zone));
    if (users && !users.has(m.userId)) users.set(m.userId, m);
  }
  return spans.map((s) => ({
    date: s.date,
    start: s.startIso,
    end: s.endIso,
    users: [...firsts.get(s.date)!.values()].map((m) => ({ userId: m.userId, orgId: m.orgId, at: iso(m.at), event: frame.refs.ref(m.event) })),
  }));
}

/** `activeUsers` / `peakDailyActive` / `averageDailyActive` (SPEC §4.3). */
export function explainActivity(frame: SeriesFrame, metric: string): MetricExplanation {
  const days = frame.bucket.start <= frame.now ? activeDays(frame) : [];
  const counts = days.map((d) => d.users.length);
  if (metric === 'activeUsers') {
    const users = new Map<string, { userId: string; firstEvent: string; days: string[] }>();
    for (const day of days)
      for (const u of day.users) {
        const seen = users.get(u.userId) ?? { userId: u.userId, firstEvent: u.event, days: [] };
        seen.days.push(day.date);
        users.set(u.userId, seen);
      }
    return { value: users.size, details: { users: [...users.values()], days } };
  }
  if (metric === 'peakDailyActive') {
    const peak = Math.max(0, ...counts);
    const peakDay = peak > 0 ? days[counts.indexOf(peak)]! : null;
    return { value: peak, details: { peakDate: peakDay?.date ?? null, users: peakDay?.users ?? [], days } };
  }
  const value = mean2(counts);
  return { value, details: { days, mean: value } };
}
