import { DomainError, type FieldError } from '../../domain/src/errors.js';
import { ALERT_KINDS, type AlertKind } from '../../domain/src/alerts/alert-rules.js';
import { PRODUCT_CODES, type Product } from '../../domain/src/products.js';

/** Query parameters of the alert and delivery lists, checked like report parameters: every bad one named. */
export interface AlertsRequest {
  readonly status?: 'open' | 'cleared';
  readonly ruleId?: string;
  readonly kind?: AlertKind;
  readonly product?: Product;
  readonly page: number;
  readonly pageSize: number;
}

export interface DeliveriesRequest {
  readonly status?: 'pending' | 'delivered' | 'failed' | 'cancelled';
  readonly page: number;
  readonly pageSize: number;
}

const DEFAULT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 1000;
const DELIVERY_STATUSES = ['pending', 'delivered', 'failed', 'cancelled'] as const;

class Parameters {
  readonly errors: FieldError[] = [];

  constructor(
    private readonly raw: Readonly<Record<string, unknown>>,
    known: readonly string[],
    private readonly what: string,
  ) {
    for (const name of Object.keys(raw)) {
      if (raw[name] !== undefined && !known.includes(name))
        this.errors.push({ path: name, message: `is not a parameter of ${what} (${known.join(', ')})` });
    }
  }

  text(name: string): string | undefined {
    const value = this.raw[name];
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || value === '' || value.length > 128) {
      this.errors.push({ path: name, message: 'must be a text of 1 to 128 characters' });
      return undefined;
    }
    return value;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[]): T | undefined {
    const value = this.text(name);
    if (value === undefined) return undefined;
    const found = allowed.find((candidate) => candidate === value);
    if (found !== undefined) return found;
    this.errors.push({ path: name, message: `must be one of ${allowed.join(', ')}` });
    return undefined;
  }

  wholeNumber(name: string, fallback: number, max: number): number {
    const value = this.text(name);
    if (value === undefined) return fallback;
    const n = /^\d+$/.test(value) ? Number(value) : NaN;
    if (n >= 1 && n <= max) return n;
    this.errors.push({ path: name, message: `must be a whole number from 1 to ${max}` });
    return fallback;
  }

  done(): void {
    if (this.errors.length > 0) {
      throw new DomainError(
        'VALIDATION_FAILED',
        `Invalid ${this.what} request: ${this.errors.map((e) => `${e.path} ${e.message}`).join('; ')}`,
        this.errors,
      );
    }
  }
}

export function parseAlertsRequest(raw: Readonly<Record<string, unknown>>): AlertsRequest {
  const p = new Parameters(raw, ['status', 'ruleId', 'kind', 'product', 'page', 'pageSize'], 'alerts');
  const status = p.oneOf('status', ['open', 'cleared'] as const);
  const ruleId = p.text('ruleId');
  const kind = p.oneOf('kind', ALERT_KINDS);
  const product = p.oneOf<Product>('product', PRODUCT_CODES);
  const page = p.wholeNumber('page', 1, Number.MAX_SAFE_INTEGER);
  const pageSize = p.wholeNumber('pageSize', DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
  p.done();
  return { status, ruleId, kind, product, page, pageSize };
}

export function parseDeliveriesRequest(raw: Readonly<Record<string, unknown>>): DeliveriesRequest {
  const p = new Parameters(raw, ['status', 'page', 'pageSize'], 'deliveries');
  const status = p.oneOf('status', DELIVERY_STATUSES);
  const page = p.wholeNumber('page', 1, Number.MAX_SAFE_INTEGER);
  const pageSize = p.wholeNumber('pageSize', DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
  p.done();
  return { status, page, pageSize };
}

/** Parameters for a route that takes none. */
export function parseNoParameters(raw: Readonly<Record<string, unknown>>, what: string): void {
  new Parameters(raw, [], what).done();
}
