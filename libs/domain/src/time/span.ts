import { zonedIso } from './zone.js';

/** A half-open interval [start, end) in epoch ms, with both ends as ISO instants in the zone's offset. */
export interface TimeSpan {
  readonly start: number;
  readonly end: number;
  readonly startIso: string;
  readonly endIso: string;
}

export function timeSpan(start: number, end: number, zone: string): TimeSpan {
  return { start, end, startIso: zonedIso(start, zone), endIso: zonedIso(end, zone) };
}

/** Where a bucket's figures stop: its end, or now for the bucket containing now. */
export function effectiveEnd(span: Pick<TimeSpan, 'end'>, now: number): number {
  return Math.min(span.end, now);
}
