import { DateTime } from 'luxon';

/** The rule for an instant, wherever one is given: command fields and report or log parameters. */
export const INSTANT_RULE = 'must be an ISO-8601 instant with a time zone offset, e.g. 2026-01-05T14:00:00Z';

/** A four-digit year (no ±extended years, which stores cannot hold) … */
const FOUR_DIGIT_YEAR = /^\d{4}/;
/** … a time, and its zone: a trailing `Z` or a ±hh[:mm] offset (luxon alone would take a local time). */
const TIME_WITH_ZONE = /T.*(?:Z|[+-]\d{2}(?::?\d{2})?)$/i;

/** Epoch milliseconds of `value` when it is an ISO-8601 instant with a zone offset; null otherwise. */
export function parseInstant(value: unknown): number | null {
  if (typeof value !== 'string' || !FOUR_DIGIT_YEAR.test(value) || !TIME_WITH_ZONE.test(value)) return null;
  const parsed = DateTime.fromISO(value, { setZone: true });
  return parsed.isValid ? parsed.toMillis() : null;
}

/** `2026-01-05T09:00-05:00` → `2026-01-05T14:00:00.000Z` (the form of `Date.toISOString()`); null when not an instant. */
export function utcInstant(value: unknown): string | null {
  const instant = parseInstant(value);
  return instant === null ? null : new Date(instant).toISOString();
}
