/**
 * How the console writes numbers and instants. Instants are shown in the account's zone, which is
 * always named beside them; bucket starts and ends already carry the zone's offset, so their local
 * date and time are read straight from them.
 */
const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** Whole numbers with grouping (1,234); others with their 2 decimals (0.17). */
export function formatNumber(value: number | null | undefined): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  return Number.isInteger(value) ? integer.format(value) : decimal.format(value);
}

/** `2026-01-01T00:00:00.000-05:00` → `2026-01-01 00:00` (the local wall time the offset belongs to). */
export function localWallTime(isoWithOffset: string): string {
  return `${isoWithOffset.slice(0, 10)} ${isoWithOffset.slice(11, 16)}`;
}

/** A bucket's label on an axis or a row: its local date, and the hour for hour buckets. */
export function bucketLabel(start: string, interval: string): string {
  return interval === 'hour' ? localWallTime(start) : start.slice(0, 10);
}

const instantFormats = new Map<string, Intl.DateTimeFormat>();

/** An instant (any ISO form) as `2026-01-06 08:00:00` in `zone`. */
export function formatInstant(iso: string | null | undefined, zone: string): string {
  if (!iso) return '—';
  let format = instantFormats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', {
      timeZone: zone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    instantFormats.set(zone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(new Date(iso)).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}`;
}

const dateFormats = new Map<string, Intl.DateTimeFormat>();

/** Today's date (YYYY-MM-DD) in `zone` (every view asks on each render: the format is made once per zone). */
export function todayIn(zone: string, now = Date.now()): string {
  let format = dateFormats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dateFormats.set(zone, format);
  }
  return format.format(new Date(now));
}

/** A calendar date moved by whole days (no zone involved: dates are calendar dates). */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y!, m! - 1, d! + days)).toISOString().slice(0, 10);
}

/** Seconds as `1 h 05 min`, `12 min 30 s`, `45 s`. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (h > 0) return `${h} h ${String(m).padStart(2, '0')} min`;
  if (m > 0) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  return `${s} s`;
}

/**
 * A local date-time typed in the account's zone (`2026-02-10T12:06`, from an input) as the UTC
 * instant it names; null when it is not one. DST gaps resolve forward, like the ledger's own reading.
 */
export function instantFromLocal(local: string, zone: string): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(local);
  if (!match) return null;
  const [, y, mo, d, h, mi, s] = match.map(Number);
  const wall = Date.UTC(y!, mo! - 1, d!, h!, mi!, Number.isNaN(s) ? 0 : (s ?? 0));
  // The zone's offset at the guess, applied twice to settle on DST boundaries.
  let guess = wall - offsetAt(wall, zone);
  guess = wall - offsetAt(guess, zone);
  return new Date(guess).toISOString();
}

/** A UTC instant as the `YYYY-MM-DDTHH:mm:ss` wall time of `zone` (for a datetime-local input). */
export function localFromInstant(iso: string, zone: string): string {
  return formatInstant(iso, zone).replace(' ', 'T');
}

function offsetAt(instant: number, zone: string): number {
  const wall = formatInstant(new Date(instant).toISOString(), zone);
  const [date, time] = wall.split(' ');
  const [y, mo, d] = date!.split('-').map(Number);
  const [h, mi, s] = time!.split(':').map(Number);
  return Date.UTC(y!, mo! - 1, d!, h!, mi!, s!) - Math.floor(instant / 1000) * 1000;
}
