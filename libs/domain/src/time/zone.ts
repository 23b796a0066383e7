import { DateTime, IANAZone } from 'luxon';
import { validationError } from '../errors.js';

/** True for an IANA zone name luxon can use (e.g. `America/New_York`, `UTC`). */
export function isValidZone(zone: string): boolean {
  return typeof zone === 'string' && IANAZone.isValidZone(zone);
}

export function assertValidZone(zone: string, path = 'timezone'): void {
  if (!isValidZone(zone)) throw validationError(path, `'${zone}' is not an IANA time zone (e.g. America/New_York)`);
}

export function inZone(instantMs: number, zone: string): DateTime {
  return DateTime.fromMillis(instantMs, { zone });
}

/** ISO-8601 instant with the zone's offset, e.g. `2026-01-01T00:00:00.000-05:00`. */
export function zonedIso(instantMs: number, zone: string): string {
  return inZone(instantMs, zone).toISO()!;
}

/** The local calendar date (`YYYY-MM-DD`) of an instant in the zone. */
export function localDate(instantMs: number, zone: string): string {
  return inZone(instantMs, zone).toISODate()!;
}
