import type { Bucket } from './buckets.js';
import { splitSpan } from './buckets.js';
import type { TimeSpan } from './span.js';
import { localDate } from './zone.js';

export interface LocalDay extends TimeSpan {
  /** The local calendar date, `YYYY-MM-DD`. */
  readonly date: string;
}

/**
 * The local days of a bucket that lie inside the window and start at or before `now`:
 * the days a daily average (averageDailyActive, week/month averagePeak) is taken over.
 */
export function localDaysIn(bucket: Bucket, zone: string, window: Pick<TimeSpan, 'start' | 'end'>, now: number): LocalDay[] {
  const span = { start: Math.max(bucket.start, window.start), end: Math.min(bucket.end, window.end) };
  return splitSpan(span, 'day', zone, now).map((day) => ({ ...day, date: localDate(day.start, zone) }));
}

/**
 * The hour sub-buckets of a (day) bucket: 23, 24 or 25 on a full local day.
 * With `now`, hours starting after it are omitted.
 */
export function hoursIn(bucket: Bucket, zone: string, now?: number): TimeSpan[] {
  return splitSpan(bucket, 'hour', zone, now);
}
