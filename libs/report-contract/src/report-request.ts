import { DateTime } from 'luxon';
import { INSTANT_RULE, utcInstant } from '../../domain/src/time/instant.js';
import { DomainError, type FieldError } from '../../domain/src/errors.js';
import { isProduct } from '../../domain/src/products.js';
import { BUCKET_INTERVALS, MAX_HOURLY_WINDOW_DAYS, type BucketInterval } from '../../domain/src/time/index.js';
import type { ReportRequest, ReportSpec } from './report-spec.js';

/**
 * Report parameters (SPEC §4, §6) from an HTTP query string or CLI flags, validated into a
 * ReportRequest. Every bad field is named (VALIDATION_FAILED with one entry per field).
 *
 * Which parameters a report takes: `definition.parameters` when it lists them, else by shape —
 * series: orgId, from, to, interval, groupBy; tables: orgId, q, licenseSource, status, sort, page,
 * pageSize, from, to. `accountId` and `product` always. A parameter the report does not take is
 * refused like an unknown one, so a typo never silently widens a report.
 */

export const SERIES_PARAMETERS = ['orgId', 'from', 'to', 'interval', 'groupBy'] as const;
export const TABLE_PARAMETERS = ['orgId', 'q', 'licenseSource', 'status', 'sort', 'page', 'pageSize', 'from', 'to'] as const;
/** Every parameter any report may take (besides `format`, which is the transport's). */
export const REPORT_PARAMETERS = [
  'accountId',
  'product',
  'orgId',
  'from',
  'to',
  'interval',
  'groupBy',
  'q',
  'licenseSource',
  'status',
  'sort',
  'page',
  'pageSize',
  'asOf',
  'quantity',
  'dedications',
  'deniedDuration',
  'idleDays',
  'minIdleDays',
  'retryWindow',
  'metric',
  'history',
  'horizon',
] as const;
export type ReportParameter = (typeof REPORT_PARAMETERS)[number];

/** The reports that take `asOf` (SPEC §5), for the message refusing it elsewhere. */
export const AS_OF_REPORTS = 'only seat-history, assignments and the licenses overview';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 1000;
export const DEFAULT_INTERVAL: BucketInterval = 'day';

const ID_MAX = 128;
const TEXT_MAX = 200;
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const WHOLE_NUMBER = /^\d{1,9}$/;

/** Parameters a definition takes, besides accountId and product. */
export function parametersOf(definition: Pick<ReportSpec, 'shape' | 'parameters'>): readonly string[] {
  return definition.parameters ?? (definition.shape === 'series' ? SERIES_PARAMETERS : TABLE_PARAMETERS);
}

/**
 * Validates raw parameters for `definition`. Values are strings (a query string; numbers are
 * accepted too, for programmatic callers); a parameter given twice is an error. `accountId` comes
 * from the path or `--account`.
 */
export function parseReportRequest(
  raw: Readonly<Record<string, unknown>>,
  definition: Pick<ReportSpec, 'name' | 'shape' | 'products' | 'parameters' | 'defaultInterval' | 'intervals'>,
): ReportRequest {
  const errors: FieldError[] = [];
  const fail = (path: string, message: string) => {
    errors.push({ path, message });
    return undefined;
  };
  const accepted = new Set(['accountId', 'product', ...parametersOf(definition)]);
  const values = new Map<string, string>();
  /** Parameters given, valid or not (a bad one is not also reported missing). */
  const given = new Set<string>();
  for (const [key, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    given.add(key);
    if (!accepted.has(key)) {
      fail(
        key,
        key === 'asOf'
          ? `is not a parameter of ${definition.name}; ${AS_OF_REPORTS} take it`
          : (REPORT_PARAMETERS as readonly string[]).includes(key)
            ? `is not a parameter of ${definition.name}`
            : `unknown parameter; ${definition.name} takes ${[...accepted].join(', ')}`,
      );
      continue;
    }
    if (Array.isArray(value)) {
      fail(key, 'must be given once');
      continue;
    }
    if (typeof value === 'number' && Number.isFinite(value)) values.set(key, String(value));
    else if (typeof value === 'string') values.set(key, value);
    else fail(key, 'must be a single text value');
  }

  const text = (key: string, max: number): string | undefined => {
    const value = values.get(key);
    if (value === undefined) return undefined;
    if (value.trim() === '') return fail(key, 'must not be empty');
    if (value.length > max) return fail(key, `must be at most ${max} characters`);
    if (CONTROL_CHARACTERS.test(value)) return fail(key, 'must not contain control characters');
    return value;
  };

  const accountId = text('accountId', ID_MAX);
  if (!given.has('accountId')) fail('accountId', 'is required');

  let product: ReportRequest['product'];
  const productText = text('product', ID_MAX);
  if (productText !== undefined) {
    if (!isProduct(productText) || !definition.products.includes(productText)) {
      fail('product', `must be one of ${definition.products.join(', ')} for ${definition.name}, got '${productText}'`);
    } else {
      product = productText;
    }
  } else if (!given.has('product')) {
    if (definition.products.length === 1) product = definition.products[0];
    else if (definition.shape === 'series') fail('product', `is required; one of ${definition.products.join(', ')}`);
  }

  const orgId = text('orgId', ID_MAX);
  const from = localDateParam('from', values.get('from'), fail);
  const to = localDateParam('to', values.get('to'), fail);
  // A series over a window needs both ends; one that takes no `from` (forecast) counts back from `to`.
  if (definition.shape === 'series' && accepted.has('from')) {
    if (!given.has('from')) fail('from', 'is required (a local date, YYYY-MM-DD)');
    if (!given.has('to')) fail('to', 'is required (a local date, YYYY-MM-DD; inclusive)');
  }
  if (from && to && to < from) fail('to', `must be on or after from (${from}), got ${to}`);

  let interval: BucketInterval | undefined;
  const intervals = definition.intervals ?? BUCKET_INTERVALS;
  if (values.has('interval')) {
    const value = values.get('interval')!;
    const known = intervals.find((i) => i === value);
    if (known !== undefined) interval = known;
    else fail('interval', `must be one of ${intervals.join(', ')}, got '${truncate(value)}'`);
  } else if (definition.shape === 'series' && !given.has('interval')) {
    interval = definition.defaultInterval ?? DEFAULT_INTERVAL;
  }
  if (interval === 'hour' && from && to) {
    const days = Math.round(DateTime.fromISO(to, { zone: 'utc' }).diff(DateTime.fromISO(from, { zone: 'utc' }), 'days').days) + 1;
    if (days > MAX_HOURLY_WINDOW_DAYS)
      fail('interval', `hour allows at most ${MAX_HOURLY_WINDOW_DAYS} days between from and to; this range has ${days}`);
  }

  let groupBy: 'org' | undefined;
  if (values.has('groupBy')) {
    if (values.get('groupBy') === 'org') groupBy = 'org';
    else fail('groupBy', `must be 'org', got '${truncate(values.get('groupBy')!)}'`);
  }

  const q = text('q', TEXT_MAX);
  const licenseSource = text('licenseSource', ID_MAX);
  const status = text('status', ID_MAX);
  const sort = text('sort', ID_MAX);
  const page = wholeNumber('page', values.get('page'), 1, Number.MAX_SAFE_INTEGER, fail) ?? 1;
  const pageSize = wholeNumber('pageSize', values.get('pageSize'), 1, MAX_PAGE_SIZE, fail) ?? DEFAULT_PAGE_SIZE;

  const quantity = wholeNumber('quantity', values.get('quantity'), 0, MAX_WHOLE, fail);
  const dedications = dedicationsParam(values.get('dedications'), fail);
  const deniedDuration = wholeNumber('deniedDuration', values.get('deniedDuration'), 0, MAX_WHOLE, fail);
  const idleDays = wholeNumber('idleDays', values.get('idleDays'), 1, MAX_DAYS, fail);
  const minIdleDays = wholeNumber('minIdleDays', values.get('minIdleDays'), 0, MAX_DAYS, fail);
  const retryWindow = wholeNumber('retryWindow', values.get('retryWindow'), 0, MAX_WHOLE, fail);
  const metric = text('metric', ID_MAX);
  const history = wholeNumber('history', values.get('history'), 2, MAX_TREND_BUCKETS, fail);
  const horizon = wholeNumber('horizon', values.get('horizon'), 1, MAX_TREND_BUCKETS, fail);

  let asOf: string | undefined;
  if (values.has('asOf')) {
    const value = values.get('asOf')!;
    asOf = utcInstant(value) ?? fail('asOf', `${INSTANT_RULE}, got '${truncate(value)}'`);
  }

  if (errors.length > 0) {
    throw new DomainError(
      'VALIDATION_FAILED',
      `Invalid ${definition.name} report request: ${errors.map((e) => `${e.path} ${e.message}`).join('; ')}`,
      errors,
    );
  }
  return {
    accountId: accountId!,
    ...(product !== undefined ? { product } : {}),
    ...(orgId !== undefined ? { orgId } : {}),
    ...(from !== undefined ? { from } : {}),
    ...(to !== undefined ? { to } : {}),
    ...(interval !== undefined ? { interval } : {}),
    ...(groupBy !== undefined ? { groupBy } : {}),
    ...(q !== undefined ? { q } : {}),
    ...(licenseSource !== undefined ? { licenseSource } : {}),
    ...(status !== undefined ? { status } : {}),
    ...(sort !== undefined ? { sort } : {}),
    page,
    pageSize,
    ...(asOf !== undefined ? { asOf } : {}),
    ...(quantity !== undefined ? { quantity } : {}),
    ...(dedications !== undefined ? { dedications } : {}),
    ...(deniedDuration !== undefined ? { deniedDuration } : {}),
    ...(idleDays !== undefined ? { idleDays } : {}),
    ...(minIdleDays !== undefined ? { minIdleDays } : {}),
    ...(retryWindow !== undefined ? { retryWindow } : {}),
    ...(metric !== undefined ? { metric } : {}),
    ...(history !== undefined ? { history } : {}),
    ...(horizon !== undefined ? { horizon } : {}),
  };
}

/** Whole-number parameters of §8: up to 999,999,999 (quantities, seconds), days up to 100 years. */
const MAX_WHOLE = 999_999_999;
const MAX_DAYS = 36_500;
/** Past and projected buckets of a forecast: up to ten years of weeks. */
export const MAX_TREND_BUCKETS = 520;
const MAX_DEDICATIONS = 1000;

/** `dedications=qa:2,mobile:1`: orgId → absolute quantity, each org once. */
function dedicationsParam(value: string | undefined, fail: (path: string, message: string) => undefined): ReadonlyMap<string, number> | undefined {
  if (value === undefined) return undefined;
  const RULE = "must be orgId:quantity pairs separated by commas, e.g. 'qa:2,mobile:1' (quantities whole numbers ≥ 0)";
  const entries = value.split(',');
  if (value.trim() === '' || entries.length > MAX_DEDICATIONS) return fail('dedications', RULE);
  const parsed = new Map<string, number>();
  for (const entry of entries) {
    const colon = entry.lastIndexOf(':');
    const orgId = entry.slice(0, colon).trim();
    const quantity = entry.slice(colon + 1).trim();
    if (colon < 1 || orgId === '' || orgId.length > ID_MAX || CONTROL_CHARACTERS.test(orgId) || !WHOLE_NUMBER.test(quantity)) {
      return fail('dedications', `${RULE}; got '${truncate(entry)}'`);
    }
    if (parsed.has(orgId)) return fail('dedications', `names organization '${truncate(orgId)}' twice`);
    parsed.set(orgId, Number(quantity));
  }
  return parsed;
}

function localDateParam(path: string, value: string | undefined, fail: (path: string, message: string) => undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!DATE.test(value)) return fail(path, `must be a local date in YYYY-MM-DD format, got '${truncate(value)}'`);
  if (!DateTime.fromISO(value, { zone: 'utc' }).isValid) return fail(path, `must be a real calendar date, got '${value}'`);
  return value;
}

/** A whole number from min to max given as text, or `fail` naming the field; absent → undefined. */
export function wholeNumber(
  path: string,
  value: string | undefined,
  min: number,
  max: number,
  fail: (path: string, message: string) => undefined,
): number | undefined {
  if (value === undefined) return undefined;
  const n = WHOLE_NUMBER.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < min || n > max) {
    return fail(path, max === Number.MAX_SAFE_INTEGER ? `must be a whole number ≥ ${min}` : `must be a whole number from ${min} to ${max}`);
  }
  return n;
}

function truncate(value: string): string {
  return value.length > 40 ? `${value.slice(0, 40)}…` : value;
}

/**
 * A projected report answers at now: `asOf` is answered by replaying the account's events
 * (ReportsService), so a projected report given one refuses it rather than answer at now.
 */
export function refuseAsOf(request: ReportRequest, report: string): void {
  if (request.asOf !== undefined) {
    throw new DomainError('VALIDATION_FAILED', `asOf: the projected ${report} answers at now; as-of answers replay the events (ReportsService)`, [
      { path: 'asOf', message: 'is answered by replaying events, not by the projected report' },
    ]);
  }
}

/** An ILIKE pattern matching text that contains `q` literally (its `%`, `_` and `\` escaped). */
export function containsPattern(q: string): string {
  return `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
