import { validationError } from '../errors.js';
import type { BucketInterval } from './boundaries.js';
import { BUCKET_INTERVALS, nextBoundary } from './boundaries.js';
import type { TimeSpan } from './span.js';
import { timeSpan } from './span.js';
import type { ReportWindow } from './report-window.js';
import { reportWindow } from './report-window.js';

export type Bucket = TimeSpan;

export interface BucketQuery {
  /** First local date, `YYYY-MM-DD`. */
  readonly from: string;
  /** Last local date (inclusive), `YYYY-MM-DD`. */
  readonly to: string;
  readonly interval: BucketInterval;
  readonly zone: string;
  /** Epoch ms; buckets starting after it are omitted. */
  readonly now: number;
}

export const MAX_HOURLY_WINDOW_DAYS = 31;

/**
 * The buckets partitioning the report window, first and last clipped to it.
 * Buckets starting after `now` are omitted; the one containing `now` is kept (see `effectiveEnd`).
 */
export function buckets(query: BucketQuery): Bucket[] {
  assertInterval(query.interval);
  const window = reportWindow(query.from, query.to, query.zone);
  if (query.interval === 'hour' && window.days > MAX_HOURLY_WINDOW_DAYS) {
    throw validationError('interval', `hour allows at most ${MAX_HOURLY_WINDOW_DAYS} days between from and to; this range has ${window.days}`);
  }
  return splitSpan(window, query.interval, query.zone, query.now);
}

/** The `interval` buckets of [span.start, span.end) that start at or before `now`. */
export function splitSpan(span: Pick<ReportWindow, 'start' | 'end'>, interval: BucketInterval, zone: string, now = Infinity): Bucket[] {
  const result: Bucket[] = [];
  for (let start = span.start; start < span.end && start <= now;) {
    const end = Math.min(nextBoundary(start, interval, zone), span.end);
    result.push(timeSpan(start, end, zone));
    start = end;
  }
  return result;
}

function assertInterval(interval: string): asserts interval is BucketInterval {
  if (!(BUCKET_INTERVALS as readonly string[]).includes(interval)) {
    throw validationError('interval', `must be one of ${BUCKET_INTERVALS.join(', ')}, got '${interval}'`);
  }
}
