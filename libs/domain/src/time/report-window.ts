import { DateTime } from 'luxon';
import { validationError } from '../errors.js';
import type { TimeSpan } from './span.js';
import { timeSpan } from './span.js';
import { assertValidZone } from './zone.js';

/** A report range: local dates `from`..`to` inclusive, i.e. [from 00:00, to+1 00:00) local. */
export interface ReportWindow extends TimeSpan {
  readonly from: string;
  readonly to: string;
  readonly zone: string;
  /** Number of local calendar days in the window (`to` − `from` + 1). */
  readonly days: number;
}

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

export function reportWindow(from: string, to: string, zone: string): ReportWindow {
  assertValidZone(zone);
  const fromDate = parseLocalDate('from', from, zone);
  const toDate = parseLocalDate('to', to, zone);
  if (toDate < fromDate) throw validationError('to', `must be on or after from (${from}), got ${to}`);
  const start = fromDate.startOf('day').toMillis();
  const end = toDate.plus({ days: 1 }).startOf('day').toMillis();
  const days = Math.round(toDate.diff(fromDate, 'days').days) + 1;
  return { ...timeSpan(start, end, zone), from, to, zone, days };
}

/** A real calendar date at noon local (noon always exists; `startOf('day')` then finds the first instant). */
function parseLocalDate(path: string, value: string, zone: string): DateTime {
  const match = typeof value === 'string' ? DATE_PATTERN.exec(value) : null;
  if (!match) throw validationError(path, `must be a local date in YYYY-MM-DD format, got '${String(value)}'`);
  const [, year, month, day] = match.map(Number);
  const date = DateTime.fromObject({ year, month, day, hour: 12 }, { zone });
  if (!date.isValid) throw validationError(path, `must be a real calendar date, got '${value}'`);
  return date;
}
