/** Products and their license models (SPEC §1). */

export const PRODUCTS = {
  KSE: { name: 'Katalon Studio Enterprise', model: 'seat' },
  TESTOPS: { name: 'TestOps – Full', model: 'seat' },
  KAM: { name: 'Katalon Account Manager', model: 'seat' },
  KRE: { name: 'Katalon Runtime Engine', model: 'session' },
  TC_DESKTOP: { name: 'TestCloud Desktop Browser', model: 'session' },
  TC_DESKTOP_MOBILE: { name: 'TestCloud Desktop & Mobile Browser', model: 'session' },
  TC_MOBILE_NATIVE: { name: 'TestCloud Mobile Native App', model: 'session' },
  TRUETEST: { name: 'TrueTest', model: 'aut' },
} as const;

export type Product = keyof typeof PRODUCTS;
export type LicenseModel = (typeof PRODUCTS)[Product]['model'];

export const PRODUCT_CODES = Object.keys(PRODUCTS) as Product[];

/** Products that can be used offline (SPEC §1, offline license). */
export const OFFLINE_PRODUCTS: readonly Product[] = ['KSE', 'KRE'];

export function isProduct(value: unknown): value is Product {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(PRODUCTS, value);
}

export function modelOf(product: Product): LicenseModel {
  return PRODUCTS[product].model;
}

/** The products licensed under `model`, in catalog order. */
export function productsOfModel(model: LicenseModel): Product[] {
  return PRODUCT_CODES.filter((p) => modelOf(p) === model);
}

export const SEAT_PRODUCTS = productsOfModel('seat');
export const SESSION_PRODUCTS = productsOfModel('session');
