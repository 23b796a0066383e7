import { DomainError } from '../../domain/src/errors.js';
import type { ReportSpec } from './report-spec.js';
import { parseReportRequest } from './report-request.js';

const series: Pick<ReportSpec, 'name' | 'shape' | 'products' | 'parameters'> = {
  name: 'seat-history',
  shape: 'series',
  products: ['KSE', 'TESTOPS', 'KAM'],
  parameters: ['orgId', 'from', 'to', 'interval', 'groupBy', 'asOf'],
};
const table: Pick<ReportSpec, 'name' | 'shape' | 'products'> = { name: 'sessions', shape: 'table', products: ['KSE', 'KRE'] };

function errorsOf(raw: Record<string, unknown>, definition = series): { path: string; message: string }[] {
  try {
    parseReportRequest(raw, definition);
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('VALIDATION_FAILED');
    expect((error as DomainError).status).toBe(400);
    return [...(error as DomainError).errors];
  }
  throw new Error('expected VALIDATION_FAILED');
}
const paths = (raw: Record<string, unknown>, definition = series) => errorsOf(raw, definition).map((e) => e.path);

describe('parseReportRequest', () => {
  const ok = { accountId: 'acme', product: 'KSE', from: '2026-01-01', to: '2026-02-28' };

  it('accepts a series request, interval defaulting to day, page 1 and pageSize 50', () => {
    expect(parseReportRequest(ok, series)).toEqual({ ...ok, interval: 'day', page: 1, pageSize: 50 });
    expect(parseReportRequest({ ...ok, interval: 'month', orgId: 'qa', groupBy: 'org' }, series)).toMatchObject({
      interval: 'month',
      orgId: 'qa',
      groupBy: 'org',
    });
  });

  it('normalises asOf to UTC', () => {
    expect(parseReportRequest({ ...ok, asOf: '2026-01-05T09:00:00-05:00' }, series).asOf).toBe('2026-01-05T14:00:00.000Z');
  });

  it('accepts table parameters, numbers as strings or numbers', () => {
    expect(parseReportRequest({ accountId: 'acme', q: 'ann', sort: '-user', page: '3', pageSize: 1000, status: 'active' }, table)).toEqual({
      accountId: 'acme',
      q: 'ann',
      sort: '-user',
      page: 3,
      pageSize: 1000,
      status: 'active',
    });
  });

  it('names every bad field at once', () => {
    expect(
      paths({ accountId: 'acme', product: 'KRE', from: '2026-13-01', to: 'yesterday', interval: 'year', groupBy: 'user', asOf: 'soon' }),
    ).toEqual(['product', 'from', 'to', 'interval', 'groupBy', 'asOf']);
  });

  it("product must be one of the report's products, and is required for series", () => {
    expect(errorsOf({ ...ok, product: 'KRE' })[0]!.message).toBe("must be one of KSE, TESTOPS, KAM for seat-history, got 'KRE'");
    expect(errorsOf({ ...ok, product: 'nope' })[0]!.path).toBe('product');
    const { product: _product, ...without } = ok;
    expect(errorsOf(without)).toEqual([{ path: 'product', message: 'is required; one of KSE, TESTOPS, KAM' }]);
    expect(parseReportRequest({ accountId: 'acme' }, table).product).toBeUndefined();
  });

  it('from and to are required for series, real dates, to not before from', () => {
    expect(paths({ accountId: 'acme', product: 'KSE' })).toEqual(['from', 'to']);
    expect(errorsOf({ ...ok, from: '2026-02-30' })).toEqual([{ path: 'from', message: "must be a real calendar date, got '2026-02-30'" }]);
    expect(errorsOf({ ...ok, from: '2026-03-01' })).toEqual([{ path: 'to', message: 'must be on or after from (2026-03-01), got 2026-02-28' }]);
    expect(parseReportRequest({ accountId: 'acme' }, table).from).toBeUndefined();
  });

  it('interval=hour allows at most 31 days', () => {
    expect(parseReportRequest({ ...ok, from: '2026-01-01', to: '2026-01-31', interval: 'hour' }, series).interval).toBe('hour');
    expect(errorsOf({ ...ok, from: '2026-01-01', to: '2026-02-01', interval: 'hour' })[0]).toEqual({
      path: 'interval',
      message: 'hour allows at most 31 days between from and to; this range has 32',
    });
  });

  it('page ≥ 1, pageSize 1..1000, whole numbers', () => {
    expect(paths({ accountId: 'acme', page: '0', pageSize: '1001' }, table)).toEqual(['page', 'pageSize']);
    expect(paths({ accountId: 'acme', page: '1.5', pageSize: '0' }, table)).toEqual(['page', 'pageSize']);
    expect(paths({ accountId: 'acme', page: '-1', pageSize: 'ten' }, table)).toEqual(['page', 'pageSize']);
    expect(errorsOf({ accountId: 'acme', pageSize: '5000' }, table)[0]!.message).toBe('must be a whole number from 1 to 1000');
  });

  it('refuses unknown parameters, and parameters the report does not take', () => {
    expect(errorsOf({ ...ok, colour: 'red' })[0]).toEqual({
      path: 'colour',
      message: 'unknown parameter; seat-history takes accountId, product, orgId, from, to, interval, groupBy, asOf',
    });
    expect(errorsOf({ ...ok, q: 'ann' })).toEqual([{ path: 'q', message: 'is not a parameter of seat-history' }]);
    expect(paths({ accountId: 'acme', interval: 'day', groupBy: 'org' }, table)).toEqual(['interval', 'groupBy']);
  });

  it('refuses repeated parameters, empty and over-long text, control characters', () => {
    expect(errorsOf({ ...ok, orgId: ['a', 'b'] })).toEqual([{ path: 'orgId', message: 'must be given once' }]);
    expect(paths({ accountId: 'acme', q: '', sort: 'x'.repeat(129), licenseSource: 'a\u0000b', status: { a: 1 } }, table)).toEqual([
      'status',
      'q',
      'licenseSource',
      'sort',
    ]);
    expect(errorsOf({ accountId: 'acme', q: 'x'.repeat(201) }, table)).toEqual([{ path: 'q', message: 'must be at most 200 characters' }]);
    expect(parseReportRequest({ accountId: 'acme', q: 'x'.repeat(200) }, table).q).toHaveLength(200);
  });

  it('needs the account', () => {
    expect(paths({ product: 'KSE', from: '2026-01-01', to: '2026-01-02' })).toEqual(['accountId']);
  });

  it('the detail names each field', () => {
    try {
      parseReportRequest({ ...ok, interval: 'year', page: '0' }, series);
    } catch (error) {
      expect((error as Error).message).toBe(
        "Invalid seat-history report request: page is not a parameter of seat-history; interval must be one of hour, day, week, month, got 'year'",
      );
    }
  });
});
