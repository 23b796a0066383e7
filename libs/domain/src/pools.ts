import type { Scope } from './events.js';
import type { Product } from './products.js';
import { isLeaseLive, leaseLapsesAt } from './rules/lease.js';
import { HeldUnits, scopeFigures, withOverrides, type PoolOverrides, type PoolTerms, type ScopeFigures } from './rules/pool-math.js';
import { machineQuotaOf, purchaseCountsFrom, purchasesActiveAt, quantityActiveAt } from './rules/purchases.js';
import { licenseSourceOf, parentScopeOf, type ParentOf } from './rules/scopes.js';
import { APPLICATION_SOURCE, offlineLicenseHoldsUnit } from './rules/units.js';
import { productView, type AccountState, type Purchase } from './state.js';

/**
 * The rules of libs/domain/src/rules applied to an account's folded state (libs/domain/src/state.ts):
 * what the decider checks and what replays read. Pure functions of the state; what-if variants take
 * overrides instead of mutating it.
 */

export function activePurchases(state: AccountState, product: Product, at: number, purchases?: readonly Purchase[]): Purchase[] {
  return purchasesActiveAt(purchasesOf(state, product, purchases), at);
}

export function purchasedQuantity(state: AccountState, product: Product, at: number, purchases?: readonly Purchase[]): number {
  return quantityActiveAt(purchasesOf(state, product, purchases), at);
}

/** Σ machineQuota over active purchases; null (unlimited) if any active purchase has none. */
export function machineQuota(state: AccountState, product: Product, at: number, purchases?: readonly Purchase[]): number | null {
  return machineQuotaOf(activePurchases(state, product, at, purchases));
}

function purchasesOf(state: AccountState, product: Product, purchases: readonly Purchase[] = [...state.purchases.values()]): Purchase[] {
  return purchases.filter((p) => p.product === product);
}

/** The organization tree of the state. */
export function parentsOf(state: AccountState): ParentOf {
  return (orgId) => state.orgs.get(orgId)?.parentOrgId;
}

/** The nearest org-or-ancestor of `orgId` with a dedication, else the account (a unit's license source). */
export function sourceOfOrg(state: AccountState, dedications: ReadonlyMap<string, number>, orgId: string): Scope {
  return licenseSourceOf(orgId, dedications, parentsOf(state));
}

/** The scope a dedicated org's quantity is taken from: its nearest dedicated proper ancestor, else the account. */
export function parentScopeOfOrg(state: AccountState, dedications: ReadonlyMap<string, number>, orgId: string): Scope {
  return parentScopeOf(orgId, dedications, parentsOf(state));
}

export function licenseSourceOfUser(state: AccountState, product: Product, userId: string): Scope {
  const user = state.users.get(userId);
  if (!user) throw new Error(`unknown user ${userId}`);
  return sourceOfOrg(state, productView(state, product).dedications, user.orgId);
}

/** True while a session is open at `at`: not ended and its lease has not lapsed. */
export function isSessionOpenAt(state: AccountState, sessionId: string, at: number, leaseMs: number): boolean {
  const s = state.sessions.get(sessionId);
  return s !== undefined && isLeaseLive(s.lastSeen, at, leaseMs);
}

/** The pool terms of `product` at `at`: purchased quantity, dedications and the tree, as the state holds them. */
export function poolTerms(state: AccountState, product: Product, at: number): PoolTerms {
  return { purchased: purchasedQuantity(state, product, at), dedications: productView(state, product).dedications, parentOf: parentsOf(state) };
}

/** Figures for the account and every dedicated org of `product`, at `at` (under hypothetical values, if given). */
export function poolFigures(
  state: AccountState,
  product: Product,
  at: number,
  leaseMs: number,
  overrides: PoolOverrides = {},
): Map<Scope, ScopeFigures> {
  const ps = productView(state, product);
  const terms = withOverrides(poolTerms(state, product, at), overrides);
  const units = new HeldUnits(terms);
  for (const [orgId, n] of ps.seatsByOrg) units.heldIn(orgId, n);
  for (const [orgId, n] of ps.sessionUnitsByOrg) units.heldIn(orgId, n);
  // Sessions whose lease lapsed by `at` hold no unit, whether or not SessionExpired is appended yet.
  for (const sessionId of ps.unitSessions) {
    if (isSessionOpenAt(state, sessionId, at, leaseMs)) continue;
    units.heldIn(state.users.get(state.sessions.get(sessionId)!.userId)!.orgId, -1);
  }
  for (const license of ps.offlineLicenses) {
    if (offlineLicenseHoldsUnit(license.expiresAt, at)) units.heldIn(state.users.get(license.userId)!.orgId, 1, { offline: true });
  }
  if (ps.applications.size > 0) units.drawnFrom(APPLICATION_SOURCE, ps.applications.size);
  return scopeFigures(terms, units);
}

/** A unit drawn from a pool at an instant (SPEC §1 "units"), with the scope it is drawn from. */
export type HeldUnit =
  | { readonly kind: 'seat'; readonly userId: string; readonly scope: Scope }
  | { readonly kind: 'session'; readonly sessionId: string; readonly userId: string; readonly scope: Scope }
  /** `index`: the license's place in the product's `offlineLicenses`. */
  | { readonly kind: 'offline'; readonly index: number; readonly userId: string; readonly scope: Scope }
  | { readonly kind: 'application'; readonly applicationId: string; readonly scope: Scope };

/**
 * Every unit of `product` held at `at`, one by one: seats, sessions open at `at` that draw a unit,
 * unexpired offline licenses, active applications (drawn from the account). Counted per scope they
 * make `poolFigures`' `used`; this is the list behind that number.
 */
export function heldUnits(state: AccountState, product: Product, at: number, leaseMs: number): HeldUnit[] {
  const ps = productView(state, product);
  const sourceOfUser = (userId: string): Scope => sourceOfOrg(state, ps.dedications, state.users.get(userId)?.orgId ?? '');
  const units: HeldUnit[] = [];
  for (const userId of ps.seats.keys()) units.push({ kind: 'seat', userId, scope: sourceOfUser(userId) });
  for (const sessionId of ps.unitSessions) {
    if (!isSessionOpenAt(state, sessionId, at, leaseMs)) continue;
    const { userId } = state.sessions.get(sessionId)!;
    units.push({ kind: 'session', sessionId, userId, scope: sourceOfUser(userId) });
  }
  ps.offlineLicenses.forEach((license, index) => {
    if (offlineLicenseHoldsUnit(license.expiresAt, at))
      units.push({ kind: 'offline', index, userId: license.userId, scope: sourceOfUser(license.userId) });
  });
  for (const applicationId of ps.applications) units.push({ kind: 'application', applicationId, scope: APPLICATION_SOURCE });
  return units;
}

/**
 * The first instant after `after` at which `product`'s pool figures change with no event: a purchase
 * starting to count or expiring, an open session's lease lapsing, an offline license expiring. Null if
 * none is ahead. (Events change them too; this is what time alone does, as `poolFigures` reads it.)
 */
export function nextTimedPoolChange(state: AccountState, product: Product, after: number, leaseMs: number): number | null {
  let next = Number.POSITIVE_INFINITY;
  const consider = (instant: number): void => {
    if (instant > after && instant < next) next = instant;
  };
  for (const purchase of state.purchases.values()) {
    if (purchase.product !== product) continue;
    consider(purchaseCountsFrom(purchase));
    consider(purchase.expiresAt);
  }
  const ps = productView(state, product);
  for (const sessionId of ps.unitSessions) {
    consider(leaseLapsesAt(state.sessions.get(sessionId)!.lastSeen, leaseMs));
  }
  for (const license of ps.offlineLicenses) consider(license.expiresAt);
  return Number.isFinite(next) ? next : null;
}
