import type { LicenseListName } from '../../contracts/src/licenses.js';
import { DomainError, type FieldError } from '../../domain/src/errors.js';
import { isProduct, PRODUCT_CODES, type Product } from '../../domain/src/products.js';
import { INSTANT_RULE, utcInstant } from '../../domain/src/time/instant.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, wholeNumber } from './report-request.js';

/** A request for the license overview (SPEC §4.7), validated: whole account or one org's subtree, now or as of an instant. */
export interface LicensesRequest {
  readonly accountId: string;
  readonly product?: Product;
  readonly orgId?: string;
  readonly asOf?: string;
}

/** `GET …/licenses`: the overview, and optionally (`listLimit`) only the first rows of each list with their totals. */
export interface OverviewRequest {
  readonly request: LicensesRequest;
  readonly listLimit?: number;
}

/** `GET …/licenses/{product}/{list}`: one page of one list of the overview, filtered by `q`. */
export interface LicenseListRequest {
  readonly request: LicensesRequest & { readonly product: Product };
  readonly list: LicenseListName;
  readonly q?: string;
  readonly page: number;
  readonly pageSize: number;
}

export const LICENSE_LIST_NAMES: readonly LicenseListName[] = ['licensed-users', 'online-licenses', 'offline-licenses', 'machines'];
export const isLicenseListName = (value: unknown): value is LicenseListName => LICENSE_LIST_NAMES.includes(value as LicenseListName);

const OVERVIEW_PARAMETERS = ['accountId', 'product', 'orgId', 'asOf', 'listLimit'];
const LIST_PARAMETERS = ['accountId', 'product', 'list', 'orgId', 'asOf', 'q', 'page', 'pageSize'];
const Q_MAX = 200;
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;

/** Validates the overview's raw parameters (query string or CLI flags); VALIDATION_FAILED names each bad field. */
export function parseOverviewRequest(parameters: Readonly<Record<string, unknown>>): OverviewRequest {
  const fields = new Fields(parameters, OVERVIEW_PARAMETERS, 'the licenses overview');
  const request = fields.licensesRequest();
  const listLimit = fields.wholeNumber('listLimit', 0, MAX_PAGE_SIZE);
  fields.done();
  return listLimit === undefined ? { request } : { request, listLimit };
}

/** Validates the parameters of one list's page (path and query); VALIDATION_FAILED names each bad field. */
export function parseLicenseListRequest(parameters: Readonly<Record<string, unknown>>): LicenseListRequest {
  const fields = new Fields(parameters, LIST_PARAMETERS, 'a license list');
  const request = fields.licensesRequest();
  if (parameters.product === undefined) fields.fail('product', 'is required');
  const list = fields.text('list');
  if (list !== undefined && !isLicenseListName(list)) fields.fail('list', `must be one of ${LICENSE_LIST_NAMES.join(', ')}`);
  const q = fields.text('q', Q_MAX);
  if (q !== undefined && CONTROL_CHARACTERS.test(q)) fields.fail('q', 'must not contain control characters');
  const page = fields.wholeNumber('page', 1, Number.MAX_SAFE_INTEGER) ?? 1;
  const pageSize = fields.wholeNumber('pageSize', 1, MAX_PAGE_SIZE) ?? DEFAULT_PAGE_SIZE;
  fields.done();
  return {
    request: request as LicensesRequest & { product: Product },
    list: list as LicenseListName,
    ...(q !== undefined ? { q } : {}),
    page,
    pageSize,
  };
}

/** The parameters being validated, and the errors found so far (thrown together by `done`). */
class Fields {
  private readonly errors: FieldError[] = [];

  constructor(
    private readonly parameters: Readonly<Record<string, unknown>>,
    accepted: readonly string[],
    what: string,
  ) {
    for (const name of Object.keys(parameters)) {
      if (!accepted.includes(name)) this.fail(name, `is not a parameter of ${what} (${accepted.join(', ')})`);
    }
  }

  fail(path: string, message: string): undefined {
    this.errors.push({ path, message });
    return undefined;
  }

  text(name: string, max = 128): string | undefined {
    const value = this.parameters[name];
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || value.length === 0 || value.length > max) return this.fail(name, `must be a text of 1 to ${max} characters`);
    return value;
  }

  wholeNumber(name: string, min: number, max: number): number | undefined {
    const value = this.parameters[name];
    if (value !== undefined && typeof value !== 'string') return this.fail(name, 'must be a single text value');
    return wholeNumber(name, value, min, max, (path, message) => this.fail(path, message));
  }

  licensesRequest(): LicensesRequest {
    const accountId = this.text('accountId');
    if (this.parameters.accountId === undefined) this.fail('accountId', 'is required');
    const productText = this.text('product');
    const product = isProduct(productText) ? productText : undefined;
    if (productText !== undefined && product === undefined) this.fail('product', `must be one of ${PRODUCT_CODES.join(', ')}`);
    const orgId = this.text('orgId');
    const asOfText = this.text('asOf');
    const asOf = asOfText === undefined ? undefined : (utcInstant(asOfText) ?? undefined);
    if (asOfText !== undefined && asOf === undefined) this.fail('asOf', INSTANT_RULE);
    return { accountId: accountId ?? '', product, orgId, asOf };
  }

  done(): void {
    if (this.errors.length > 0) {
      throw new DomainError('VALIDATION_FAILED', this.errors.map((e) => `${e.path}: ${e.message}`).join('; '), this.errors);
    }
  }
}
