import { ACCOUNT_SCOPE, type Scope } from './events.js';
import type { Product } from './products.js';
import { productView, type AccountState, type Purchase } from './state.js';

/**
 * Pool arithmetic of SPEC §1 (Dedicated / Pool / Available) at one instant, as the tree stands.
 * Pure functions of the state; what-if variants take overrides instead of mutating it.
 */
export interface ScopeFigures {
  readonly scope: Scope;
  readonly dedicated: number;
  readonly pool: number;
  readonly used: number;
  readonly offline: number;
  readonly available: number;
}

export interface PoolOverrides {
  /** Dedications to use instead of the current ones (orgId → quantity > 0). */
  readonly dedications?: ReadonlyMap<string, number>;
  /** Purchases to use instead of the current ones. */
  readonly purchases?: readonly Purchase[];
}

export function isPurchaseActive(purchase: Purchase, at: number): boolean {
  return Math.max(purchase.recordedAt, purchase.startsAt) <= at && at < purchase.expiresAt;
}

export function activePurchases(state: AccountState, product: Product, at: number, purchases?: readonly Purchase[]): Purchase[] {
  const all = purchases ?? [...state.purchases.values()];
  return all.filter((p) => p.product === product && isPurchaseActive(p, at));
}

export function purchasedQuantity(state: AccountState, product: Product, at: number, purchases?: readonly Purchase[]): number {
  return activePurchases(state, product, at, purchases).reduce((sum, p) => sum + p.quantity, 0);
}

/** Σ machineQuota over active purchases; null (unlimited) if any active purchase has none. */
export function machineQuota(state: AccountState, product: Product, at: number, purchases?: readonly Purchase[]): number | null {
  let total = 0;
  for (const p of activePurchases(state, product, at, purchases)) {
    if (p.machineQuota === null) return null;
    total += p.machineQuota;
  }
  return total;
}

/** The nearest org-or-ancestor of `orgId` with a dedication, else the account (a unit's license source). */
export function sourceOfOrg(state: AccountState, dedications: ReadonlyMap<string, number>, orgId: string): Scope {
  for (let id: string | null = orgId; id !== null; id = state.orgs.get(id)?.parentOrgId ?? null) {
    if ((dedications.get(id) ?? 0) > 0) return id;
  }
  return ACCOUNT_SCOPE;
}

/** The scope a dedicated org's quantity is taken from: its nearest dedicated proper ancestor, else the account. */
export function parentScopeOf(state: AccountState, dedications: ReadonlyMap<string, number>, orgId: string): Scope {
  const parent = state.orgs.get(orgId)?.parentOrgId ?? null;
  return parent === null ? ACCOUNT_SCOPE : sourceOfOrg(state, dedications, parent);
}

export function licenseSourceOfUser(state: AccountState, product: Product, userId: string): Scope {
  const user = state.users.get(userId);
  if (!user) throw new Error(`unknown user ${userId}`);
  return sourceOfOrg(state, productView(state, product).dedications, user.orgId);
}

/** True while a session is open at `at`: not ended and its lease has not lapsed. */
export function isSessionOpenAt(state: AccountState, sessionId: string, at: number, leaseMs: number): boolean {
  const s = state.sessions.get(sessionId);
  return s !== undefined && s.status === 'open' && s.lastSeen + leaseMs > at;
}

/** Figures for the account and every dedicated org of `product`, at `at`. */
export function poolFigures(
  state: AccountState, product: Product, at: number, leaseMs: number, overrides: PoolOverrides = {},
): Map<Scope, ScopeFigures> {
  const ps = productView(state, product);
  const dedications = overrides.dedications ?? ps.dedications;
  const dedicated = new Map<Scope, number>([[ACCOUNT_SCOPE, purchasedQuantity(state, product, at, overrides.purchases)]]);
  for (const [orgId, quantity] of dedications) if (quantity > 0) dedicated.set(orgId, quantity);

  const pool = new Map(dedicated);
  for (const [orgId, quantity] of dedications) {
    if (quantity <= 0) continue;
    const parent = parentScopeOf(state, dedications, orgId);
    pool.set(parent, (pool.get(parent) ?? 0) - quantity);
  }

  const used = new Map<Scope, number>();
  const offline = new Map<Scope, number>();
  const add = (counts: Map<Scope, number>, scope: Scope, n: number) => counts.set(scope, (counts.get(scope) ?? 0) + n);
  const sourceCache = new Map<string, Scope>();
  const sourceOf = (orgId: string): Scope => {
    let s = sourceCache.get(orgId);
    if (s === undefined) sourceCache.set(orgId, (s = sourceOfOrg(state, dedications, orgId)));
    return s;
  };

  for (const [orgId, n] of ps.seatsByOrg) add(used, sourceOf(orgId), n);
  for (const [orgId, n] of ps.sessionUnitsByOrg) add(used, sourceOf(orgId), n);
  // Sessions whose lease lapsed by `at` hold no unit, whether or not SessionExpired is appended yet.
  for (const sessionId of ps.unitSessions) {
    if (isSessionOpenAt(state, sessionId, at, leaseMs)) continue;
    add(used, sourceOf(state.users.get(state.sessions.get(sessionId)!.userId)!.orgId), -1);
  }
  for (const license of ps.offlineLicenses) {
    if (license.expiresAt <= at) continue;
    const scope = sourceOf(state.users.get(license.userId)!.orgId);
    add(used, scope, 1);
    add(offline, scope, 1);
  }
  if (ps.applications.size > 0) add(used, ACCOUNT_SCOPE, ps.applications.size);

  const figures = new Map<Scope, ScopeFigures>();
  for (const [scope, d] of dedicated) {
    const p = pool.get(scope) ?? 0;
    const u = used.get(scope) ?? 0;
    figures.set(scope, { scope, dedicated: d, pool: p, used: u, offline: offline.get(scope) ?? 0, available: p - u });
  }
  return figures;
}

export function availableAt(figures: ReadonlyMap<Scope, ScopeFigures>, scope: Scope): number {
  return figures.get(scope)?.available ?? 0;
}

/**
 * Scopes a change pushes below zero: available < 0 afterwards and lower than before. A scope
 * already over-allocated by an expired purchase does not block changes that don't worsen it.
 */
export function scopesPushedNegative(
  before: ReadonlyMap<Scope, ScopeFigures>, after: ReadonlyMap<Scope, ScopeFigures>,
): Scope[] {
  const pushed: Scope[] = [];
  for (const [scope, figures] of after) {
    const previous = before.get(scope)?.available ?? 0;
    if (figures.available < 0 && figures.available < previous) pushed.push(scope);
  }
  return pushed;
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
    if (license.expiresAt > at) units.push({ kind: 'offline', index, userId: license.userId, scope: sourceOfUser(license.userId) });
  });
  for (const applicationId of ps.applications) units.push({ kind: 'application', applicationId, scope: ACCOUNT_SCOPE });
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
    consider(Math.max(purchase.recordedAt, purchase.startsAt));
    consider(purchase.expiresAt);
  }
  const ps = productView(state, product);
  for (const sessionId of ps.unitSessions) {
    const session = state.sessions.get(sessionId)!;
    if (session.status === 'open') consider(session.lastSeen + leaseMs);
  }
  for (const license of ps.offlineLicenses) consider(license.expiresAt);
  return Number.isFinite(next) ? next : null;
}
