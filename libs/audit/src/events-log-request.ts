import { INSTANT_RULE, parseInstant } from '../../domain/src/time/instant.js';
import { DomainError, type FieldError } from '../../domain/src/errors.js';
import { EVENT_TYPES } from '../../domain/src/events.js';
import { accountStreamId } from '../../domain/src/streams.js';
import { parsePosition, type LogPosition } from '../../event-store/src/event-store.js';

export const EVENTS_PAGE_DEFAULT = 100;
export const EVENTS_PAGE_MAX = 1000;

/** What to list of an account's raw log (SPEC §5 "Events"), validated. */
export interface EventsLogRequest {
  readonly accountId: string;
  /** Exclusive: events strictly after this position (the paging cursor). */
  readonly after: LogPosition | null;
  /** Most events in one page (ignored by an export, which takes every page). */
  readonly limit: number;
  /** Only these event types; null: all. */
  readonly types: ReadonlySet<string> | null;
  /** `occurredAt` ≥ from (ms since epoch). */
  readonly from: number | null;
  /** `occurredAt` < to (ms since epoch). */
  readonly to: number | null;
  /** Only events at or before this position: regenerates an earlier answer exactly. */
  readonly until: LogPosition | null;
}

/** Parameters of the events log, as the query string and the CLI flags name them. */
export const EVENTS_LOG_PARAMETERS = ['after', 'limit', 'type', 'stream', 'from', 'to', 'until'] as const;

const WHOLE_NUMBER = /^\d{1,9}$/;

/**
 * Validates raw parameters (strings; `type` may also come as a list) into a request. Every bad field
 * is named in one VALIDATION_FAILED; `paged: false` (an export) refuses `limit`, which it ignores.
 * A `stream` other than the account's own is NOT_FOUND, as for any other account's data.
 */
export function parseEventsLogRequest(accountId: string, raw: Readonly<Record<string, unknown>>, { paged }: { paged: boolean }): EventsLogRequest {
  const errors: FieldError[] = [];
  const fail = (path: string, message: string): null => {
    errors.push({ path, message });
    return null;
  };
  const values = new Map<string, string>();
  for (const [key, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    if (!(EVENTS_LOG_PARAMETERS as readonly string[]).includes(key)) {
      fail(key, `is not a parameter of the events log (they are: ${EVENTS_LOG_PARAMETERS.join(', ')})`);
    } else if (key === 'type' && Array.isArray(value) && value.every((v) => typeof v === 'string')) {
      values.set(key, value.join(','));
    } else if (typeof value === 'string' || typeof value === 'number') {
      values.set(key, String(value));
    } else {
      fail(key, 'must be given once, as text');
    }
  }

  const position = (name: string): LogPosition | null => {
    const text = values.get(name);
    if (text === undefined) return null;
    try {
      return parsePosition(text);
    } catch {
      return fail(name, `must be a log position COMMIT/PREPARE, e.g. 734/12, got '${truncate(text)}'`);
    }
  };
  const instant = (name: string): number | null => {
    const text = values.get(name);
    if (text === undefined) return null;
    return parseInstant(text) ?? fail(name, `${INSTANT_RULE}, got '${truncate(text)}'`);
  };

  const after = position('after');
  const until = position('until');
  const from = instant('from');
  const to = instant('to');
  if (from !== null && to !== null && to <= from) fail('to', 'must be later than from');

  let limit = EVENTS_PAGE_DEFAULT;
  const limitText = values.get('limit');
  if (limitText !== undefined && !paged) fail('limit', 'does not apply to an export, which holds every page');
  else if (limitText !== undefined) {
    const n = WHOLE_NUMBER.test(limitText) ? Number(limitText) : NaN;
    if (n >= 1 && n <= EVENTS_PAGE_MAX) limit = n;
    else fail('limit', `must be a whole number from 1 to ${EVENTS_PAGE_MAX}, got '${truncate(limitText)}'`);
  }

  let types: Set<string> | null = null;
  const typeText = values.get('type');
  if (typeText !== undefined) {
    const names = typeText
      .split(',')
      .map((t) => t.trim())
      .filter((t) => t !== '');
    const unknown = names.filter((t) => !(EVENT_TYPES as readonly string[]).includes(t));
    if (names.length === 0) fail('type', `must name one or more event types: ${EVENT_TYPES.join(', ')}`);
    else if (unknown.length > 0)
      fail('type', `unknown event type ${unknown.map((t) => `'${truncate(t)}'`).join(', ')}; the types are: ${EVENT_TYPES.join(', ')}`);
    else types = new Set(names);
  }

  if (errors.length > 0) {
    throw new DomainError('VALIDATION_FAILED', `Invalid events log request: ${errors.map((e) => `${e.path} ${e.message}`).join('; ')}`, errors);
  }
  const stream = values.get('stream');
  if (stream !== undefined && stream !== accountStreamId(accountId)) {
    throw new DomainError('NOT_FOUND', `stream '${truncate(stream)}' not found in account '${accountId}'`);
  }
  return { accountId, after, limit, types, from, to, until };
}

function truncate(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
