import { DomainError, type FieldError } from '../../domain/src/errors.js';
import { isProduct, PRODUCT_CODES, type Product } from '../../domain/src/products.js';
import { INSTANT_RULE, utcInstant } from '../../domain/src/time/instant.js';

/** A request for the license overview (SPEC §4.7), validated: whole account or one org's subtree, now or as of an instant. */
export interface LicensesRequest {
  readonly accountId: string;
  readonly product?: Product;
  readonly orgId?: string;
  readonly asOf?: string;
}

const LICENSES_PARAMETERS = new Set(['accountId', 'product', 'orgId', 'asOf']);

/** Validates the overview's raw parameters (query string or CLI flags); VALIDATION_FAILED names each bad field. */
export function parseLicensesRequest(parameters: Readonly<Record<string, unknown>>): LicensesRequest {
  const errors: FieldError[] = [];
  const text = (name: string): string | undefined => {
    const value = parameters[name];
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || value.length === 0 || value.length > 128)
      errors.push({ path: name, message: 'must be a text of 1 to 128 characters' });
    return typeof value === 'string' ? value : undefined;
  };
  for (const name of Object.keys(parameters)) {
    if (!LICENSES_PARAMETERS.has(name))
      errors.push({ path: name, message: 'is not a parameter of the licenses overview (accountId, product, orgId, asOf)' });
  }
  const accountId = text('accountId');
  if (accountId === undefined) errors.push({ path: 'accountId', message: 'is required' });
  const productText = text('product');
  const product = isProduct(productText) ? productText : undefined;
  if (productText !== undefined && product === undefined) errors.push({ path: 'product', message: `must be one of ${PRODUCT_CODES.join(', ')}` });
  const orgId = text('orgId');
  const asOfText = text('asOf');
  const asOf = asOfText === undefined ? undefined : (utcInstant(asOfText) ?? undefined);
  if (asOfText !== undefined && asOf === undefined) errors.push({ path: 'asOf', message: INSTANT_RULE });
  if (errors.length > 0 || accountId === undefined) {
    throw new DomainError('VALIDATION_FAILED', errors.map((e) => `${e.path}: ${e.message}`).join('; '), errors);
  }
  return { accountId, product, orgId, asOf };
}
