import {
  buckets,
  hoursIn,
  nextBoundary,
  reportWindow,
  zonedIso,
  type Bucket,
  type BucketQuery,
  type ReportWindow,
  type TimeSpan,
} from '../../../domain/src/time/index.js';
import type { Interval } from '../../../domain/src/rules/peak-sweep.js';

/**
 * The time buckets of the domain (libs/domain/src/time), computed without a luxon call per hour or
 * day. luxon costs tens of microseconds per zoned operation, so a year of hours (8,760 sub-buckets of
 * an `interval=day` report) took seconds. Here a zone's offset over the report window is sampled
 * every 6 hours (binary search where it changes) into a piecewise-constant timeline; bucket and
 * sub-bucket boundaries are then arithmetic, checked against the timeline, and fall back to the
 * domain functions wherever an offset changes — so the results are the domain's, exactly (see
 * fast-time.spec.ts, which compares them zone by zone across DST changes).
 */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const SAMPLE = 6 * HOUR;

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The zone's UTC offset (ms) at an instant, from Intl (whole seconds). */
function intlOffset(zone: string, instant: number): number {
  let format = formatters.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, format);
  }
  const parts: Record<string, number> = {};
  for (const p of format.formatToParts(new Date(instant))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const wall = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  return wall - Math.floor(instant / 1000) * 1000;
}

/** A zone's offsets over [start, end): constant between the listed changes. */
export class ZoneTimeline {
  /** Instants where the offset changes, ascending, and the offset from each on. */
  private readonly changes: number[] = [];
  private readonly offsets: number[] = [];
  private readonly first: number;
  readonly usesZ: boolean;

  constructor(
    readonly zone: string,
    readonly start: number,
    readonly end: number,
  ) {
    this.first = intlOffset(zone, start);
    let previous = start;
    let previousOffset = this.first;
    for (let t = Math.min(start + SAMPLE, end); ; t = Math.min(t + SAMPLE, end)) {
      const offset = intlOffset(zone, t);
      if (offset !== previousOffset) {
        // Binary search for the first instant (ms) with the new offset.
        let low = previous;
        let high = t;
        while (high - low > 1) {
          const mid = Math.floor((low + high) / 2);
          if (intlOffset(zone, mid) === previousOffset) low = mid;
          else high = mid;
        }
        this.changes.push(high);
        this.offsets.push(offset);
      }
      previous = t;
      previousOffset = offset;
      if (t >= end) break;
    }
    this.usesZ = zonedIso(start, zone).endsWith('Z');
  }

  /** Offset (ms) at `instant` (within or near [start, end]). */
  offset(instant: number): number {
    let low = 0;
    let high = this.changes.length - 1;
    let result = this.first;
    while (low <= high) {
      const mid = (low + high) >> 1;
      if (this.changes[mid]! <= instant) {
        result = this.offsets[mid]!;
        low = mid + 1;
      } else {
        high = mid - 1;
      }
    }
    return result;
  }

  /** True when the offset is the same over all of [a, b]. */
  constant(a: number, b: number): boolean {
    for (const change of this.changes) if (change > a && change <= b) return false;
    return true;
  }

  /** luxon's `toISO()` in the zone: `2026-01-01T00:00:00.000-05:00` (or `…Z` for UTC). */
  iso(instant: number): string {
    const offset = this.offset(instant);
    if (offset % 60_000 !== 0) return zonedIso(instant, this.zone);
    const local = new Date(instant + offset).toISOString().slice(0, -1);
    if (offset === 0 && this.usesZ) return `${local}Z`;
    const minutes = Math.abs(offset) / 60_000;
    const sign = offset < 0 ? '-' : '+';
    return `${local}${sign}${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
  }

  span(start: number, end: number): TimeSpan {
    return { start, end, startIso: this.iso(start), endIso: this.iso(end) };
  }
}

/** The domain's `buckets(query)`, the same list, fast for hour and day intervals. */
export function fastBuckets(query: BucketQuery): { buckets: Bucket[]; timeline: ZoneTimeline; window: ReportWindow } {
  const window = reportWindow(query.from, query.to, query.zone);
  const timeline = new ZoneTimeline(query.zone, window.start, window.end + DAY);
  if (query.interval === 'week' || query.interval === 'month' || (query.interval === 'hour' && window.days > 31)) {
    return { buckets: buckets(query), timeline, window };
  }
  const list: Bucket[] = [];
  for (let start = window.start; start < window.end && start <= query.now;) {
    const next = query.interval === 'hour' ? nextHour(start, timeline) : nextDay(start, timeline);
    const end = Math.min(next, window.end);
    list.push(timeline.span(start, end));
    start = end;
  }
  return { buckets: list, timeline, window };
}

/** The next local top of the hour after `t` (the domain's rule: any offset change is a boundary too). */
function nextHour(t: number, timeline: ZoneTimeline): number {
  const offset = timeline.offset(t);
  const candidate = Math.floor((t + offset) / HOUR) * HOUR + HOUR - offset;
  return timeline.constant(t, candidate) ? candidate : nextBoundary(t, 'hour', timeline.zone);
}

/** The next local day start after `t`, a local day start. */
function nextDay(t: number, timeline: ZoneTimeline): number {
  const localMidnight = (t + timeline.offset(t)) % DAY === 0;
  return localMidnight && timeline.constant(t, t + DAY) ? t + DAY : nextBoundary(t, 'day', timeline.zone);
}

/** The domain's `hoursIn(bucket, zone, now)` for a day bucket (start and end local midnights). */
export function fastHoursIn(bucket: Interval, timeline: ZoneTimeline, now: number): Interval[] {
  if (
    bucket.end - bucket.start !== DAY ||
    (bucket.start + timeline.offset(bucket.start)) % DAY !== 0 ||
    !timeline.constant(bucket.start, bucket.end)
  ) {
    return hoursIn({ ...bucket, startIso: '', endIso: '' }, timeline.zone, now).map(({ start, end }) => ({ start, end }));
  }
  const hours: Interval[] = [];
  for (let start = bucket.start; start < bucket.end && start <= now; start += HOUR) hours.push({ start, end: start + HOUR });
  return hours;
}

/** The domain's `localDaysIn(bucket, zone, window, now)`: the local days of a week or month bucket. */
export function fastDaysIn(bucket: Interval, timeline: ZoneTimeline, window: Interval, now: number): Interval[] {
  const from = Math.max(bucket.start, window.start);
  const to = Math.min(bucket.end, window.end);
  const days: Interval[] = [];
  for (let start = from; start < to && start <= now;) {
    const end = Math.min(nextDay(start, timeline), to);
    days.push({ start, end });
    start = end;
  }
  return days;
}
