import type { LicenseType } from '../commands.js';
import { ACCOUNT_SCOPE, type Scope } from '../events.js';
import { modelOf, type Product } from '../products.js';

/**
 * Which holdings draw a license unit (SPEC §1, "License units"):
 *
 * - a seat assignment, on a seat product;
 * - an open session, only when it is online and its product is licensed per session — a KSE session
 *   draws nothing (the seat is the unit) and an offline session's unit is its offline license;
 * - an active TrueTest application, always from the account (applications belong to no organization);
 * - an unexpired offline license (KSE, KRE), a unit of its own from generation until it expires.
 *
 * Every unit held by a user is drawn from the user's license source (see `scopes.ts`); pools count
 * them (`pool-math.ts`).
 */

/** Whether `product` is licensed per session (KRE, the TestCloud products): its units are sessions and offline licenses. */
export function isSessionProduct(product: Product): boolean {
  return modelOf(product) === 'session';
}

/** Whether a session of `product` with this license type holds a unit of its own while it is open. */
export function sessionDrawsUnit(product: Product, licenseType: LicenseType): boolean {
  return licenseType === 'online' && isSessionProduct(product);
}

/** Whether an assignment of `product` is a seat (a unit held until it is unassigned). */
export function isSeatProduct(product: Product): boolean {
  return modelOf(product) === 'seat';
}

/** Whether an offline license expiring at `expiresAt` still holds its unit at `at` (ms). */
export function offlineLicenseHoldsUnit(expiresAt: number, at: number): boolean {
  return expiresAt > at;
}

/** The scope every TrueTest application is drawn from. */
export const APPLICATION_SOURCE: Scope = ACCOUNT_SCOPE;
