import { inZone } from './zone.js';

export const BUCKET_INTERVALS = ['hour', 'day', 'week', 'month'] as const;
export type BucketInterval = (typeof BUCKET_INTERVALS)[number];

const HOUR_MS = 3_600_000;

/**
 * The first bucket boundary strictly after `instantMs`: the next local hour, local midnight,
 * Monday 00:00 (ISO week) or first of the month. A day starts at its first existing instant
 * (luxon `startOf('day')`), so a zone whose midnight is skipped by DST starts that day at 01:00.
 */
export function nextBoundary(instantMs: number, interval: BucketInterval, zone: string): number {
  if (interval === 'hour') return nextHourBoundary(instantMs, zone);
  return inZone(instantMs, zone)
    .startOf(interval)
    .plus({ [interval]: 1 })
    .startOf(interval)
    .toMillis();
}

/**
 * Hours are real elapsed hours aligned to the local top of the hour, and a change of offset
 * is always a boundary: a spring-forward day has 23 hours, a fall-back day 25, and a
 * 30-minute shift (Australia/Lord_Howe) leaves one 30-minute hour.
 */
function nextHourBoundary(instantMs: number, zone: string): number {
  const offsetMs = offsetAt(instantMs, zone);
  const localMs = instantMs + offsetMs;
  const nextLocalHour = Math.floor(localMs / HOUR_MS) * HOUR_MS + HOUR_MS;
  const candidate = nextLocalHour - offsetMs;
  if (offsetAt(candidate, zone) === offsetMs) return candidate;
  return firstInstantWithNewOffset(instantMs, candidate, offsetMs, zone);
}

/** Binary search in (after, atOrBefore] for the instant the offset stops being `offsetMs`. */
function firstInstantWithNewOffset(after: number, atOrBefore: number, offsetMs: number, zone: string): number {
  let low = after;
  let high = atOrBefore;
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if (offsetAt(mid, zone) === offsetMs) low = mid;
    else high = mid;
  }
  return high;
}

function offsetAt(instantMs: number, zone: string): number {
  return inZone(instantMs, zone).offset * 60_000;
}
