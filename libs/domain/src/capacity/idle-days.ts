import { DateTime } from 'luxon';
import { localDate } from '../time/zone.js';

/**
 * SPEC §8.2 `idleDays`: the local calendar days from the date of the later of the seat's assignment
 * and the holder's last active use to today's date (the date of `today`, e.g. now or asOf), in the
 * account's zone — days of 23 or 25 hours count as one.
 */
export function idleDays(assignedAt: number, lastActiveUse: number | null, today: number, zone: string): number {
  const since = lastActiveUse === null ? assignedAt : Math.max(assignedAt, lastActiveUse);
  return calendarDaysBetween(localDate(since, zone), localDate(today, zone));
}

/** Whole days from one `YYYY-MM-DD` date to another (negative when `to` is earlier). */
export function calendarDaysBetween(from: string, to: string): number {
  return Math.round(DateTime.fromISO(to, { zone: 'utc' }).diff(DateTime.fromISO(from, { zone: 'utc' }), 'days').days);
}
