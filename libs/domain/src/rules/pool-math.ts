import { ACCOUNT_SCOPE, type Scope } from '../events.js';
import { licenseSources, parentScopeOf, type ParentOf } from './scopes.js';

/**
 * Pool arithmetic of SPEC §1 (Dedicated / Pool / Used / Available) for one product at one instant,
 * over plain data, so the decider, the license overview, the replays, the history generator and
 * what-if replays compute it alike:
 *
 * - `dedicated(S)`: the purchased quantity for the account; the dedicated quantity for an org;
 * - `pool(S)` = dedicated(S) − Σ dedicated(D) over the dedicated orgs D whose parent scope is S;
 * - `used(S)`: units drawn from S (see `units.ts`), `offline(S)` the unexpired offline licenses among them;
 * - `available(S)` = pool(S) − used(S) (negative when an expired purchase leaves S over-allocated).
 *
 * Usage:
 *
 *   const terms = { purchased: 5, dedications: new Map([['qa', 3], ['mobile', 1]]), parentOf };
 *   const units = new HeldUnits(terms);
 *   units.heldIn('mobile');                 // a seat of a user of 'mobile' (drawn from its license source)
 *   units.heldIn('qa', { offline: true });  // an unexpired offline license
 *   scopeFigures(terms, units).get('qa');   // { scope: 'qa', dedicated: 3, pool: 2, used: 1, offline: 1, available: 1 }
 *
 * What-if: `withOverrides(terms, { purchased: 8, dedications: new Map([['qa', 4]]) })`.
 */
export interface PoolTerms {
  /** dedicated(account): Σ quantity of the purchases active at the instant (`quantityActiveAt`). */
  readonly purchased: number;
  /** orgId → dedicated quantity; a quantity ≤ 0 is no dedication. */
  readonly dedications: ReadonlyMap<string, number>;
  /** The organization tree at the instant. */
  readonly parentOf: ParentOf;
}

export interface ScopeFigures {
  readonly scope: Scope;
  readonly dedicated: number;
  readonly pool: number;
  readonly used: number;
  readonly offline: number;
  readonly available: number;
}

/** Hypothetical values (SPEC §8.1): each named value replaces that scope's real one; 0 removes a dedication. */
export interface PoolOverrides {
  /** The account's purchased quantity. */
  readonly purchased?: number;
  /** orgId → dedicated quantity, for the orgs named. */
  readonly dedications?: ReadonlyMap<string, number>;
}

export function withOverrides(terms: PoolTerms, overrides: PoolOverrides): PoolTerms {
  let dedications = terms.dedications;
  if (overrides.dedications !== undefined && overrides.dedications.size > 0) {
    const merged = new Map(terms.dedications);
    for (const [orgId, quantity] of overrides.dedications) {
      if (quantity > 0) merged.set(orgId, quantity);
      else merged.delete(orgId);
    }
    dedications = merged;
  }
  return { purchased: overrides.purchased ?? terms.purchased, dedications, parentOf: terms.parentOf };
}

/** dedicated(S) for the account and every dedicated org. */
export function dedicatedByScope(terms: PoolTerms): Map<Scope, number> {
  const dedicated = new Map<Scope, number>([[ACCOUNT_SCOPE, terms.purchased]]);
  for (const [orgId, quantity] of terms.dedications) if (quantity > 0) dedicated.set(orgId, quantity);
  return dedicated;
}

/** pool(S) for the account and every dedicated org. */
export function poolByScope(terms: PoolTerms): Map<Scope, number> {
  const pool = dedicatedByScope(terms);
  for (const [orgId, quantity] of terms.dedications) {
    if (quantity <= 0) continue;
    const parent = parentScopeOf(orgId, terms.dedications, terms.parentOf);
    pool.set(parent, (pool.get(parent) ?? 0) - quantity);
  }
  return pool;
}

/** The units held in one product, counted by the scope they are drawn from. */
export class HeldUnits {
  readonly used = new Map<Scope, number>();
  readonly offline = new Map<Scope, number>();
  readonly #sourceOf: (orgId: string) => Scope;

  constructor(terms: Pick<PoolTerms, 'dedications' | 'parentOf'>) {
    this.#sourceOf = licenseSources(terms.dedications, terms.parentOf);
  }

  /** The license source of a holder in organization `orgId`. */
  sourceOf(orgId: string): Scope {
    return this.#sourceOf(orgId);
  }

  /**
   * `n` units held by users of organization `orgId` (negative to take some back), drawn from its
   * license source; `offline` for unexpired offline licenses. Returns that source.
   */
  heldIn(orgId: string, n = 1, options: { readonly offline?: boolean } = {}): Scope {
    const scope = this.#sourceOf(orgId);
    this.drawnFrom(scope, n, options);
    return scope;
  }

  /** `n` units drawn from `scope` itself (TrueTest applications: the account). */
  drawnFrom(scope: Scope, n = 1, options: { readonly offline?: boolean } = {}): void {
    if (n === 0) return;
    this.used.set(scope, (this.used.get(scope) ?? 0) + n);
    if (options.offline) this.offline.set(scope, (this.offline.get(scope) ?? 0) + n);
  }
}

/** The figures of the account and of every dedicated org, from the terms and the units held. */
export function scopeFigures(
  terms: PoolTerms,
  units: { readonly used: ReadonlyMap<Scope, number>; readonly offline: ReadonlyMap<Scope, number> },
): Map<Scope, ScopeFigures> {
  const dedicated = dedicatedByScope(terms);
  const pool = poolByScope(terms);
  const figures = new Map<Scope, ScopeFigures>();
  for (const [scope, d] of dedicated) {
    const p = pool.get(scope) ?? 0;
    const u = units.used.get(scope) ?? 0;
    figures.set(scope, { scope, dedicated: d, pool: p, used: u, offline: units.offline.get(scope) ?? 0, available: p - u });
  }
  return figures;
}

/** available(S); 0 for a scope without figures (an org with no dedication draws from elsewhere). */
export function availableIn(figures: ReadonlyMap<Scope, ScopeFigures>, scope: Scope): number {
  return figures.get(scope)?.available ?? 0;
}

/** Whether a unit can be drawn from `scope`: `available ≥ 1` — a dedicated org never borrows from its parent. */
export function canDrawFrom(figures: ReadonlyMap<Scope, ScopeFigures>, scope: Scope): boolean {
  return canDraw(availableIn(figures, scope));
}

/** Whether a scope with `available` units (pool − used) lets one more be drawn: at least 1. */
export function canDraw(available: number): boolean {
  return available >= 1;
}

/**
 * Scopes a change pushes below zero: available < 0 afterwards and lower than before. A scope
 * already over-allocated by an expired purchase does not block changes that don't worsen it.
 */
export function scopesPushedNegative(before: ReadonlyMap<Scope, ScopeFigures>, after: ReadonlyMap<Scope, ScopeFigures>): Scope[] {
  const pushed: Scope[] = [];
  for (const [scope, figures] of after) {
    const previous = before.get(scope)?.available ?? 0;
    if (figures.available < 0 && figures.available < previous) pushed.push(scope);
  }
  return pushed;
}
