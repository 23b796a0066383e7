import { ACCOUNT_SCOPE, type Scope } from '../events.js';

/**
 * Scopes of the pools (SPEC §1), as the organization tree and the dedications stand at the instant
 * the caller describes:
 *
 * - a unit held by a user is drawn from the nearest org-or-ancestor of the user's organization that
 *   has a dedication, else from the account: its **license source**;
 * - a dedicated org's quantity is taken from its **parent scope**: the license source of its parent
 *   org, or the account for a top-level org.
 *
 * `dedications` maps orgId → dedicated quantity (a quantity ≤ 0 is no dedication); `parentOf` gives
 * an org's parent (null for a top-level org; undefined for an org it does not know, which ends the walk).
 */
export type ParentOf = (orgId: string) => string | null | undefined;

export function licenseSourceOf(orgId: string, dedications: ReadonlyMap<string, number>, parentOf: ParentOf): Scope {
  for (let id: string | null | undefined = orgId; id !== null && id !== undefined; id = parentOf(id)) {
    if ((dedications.get(id) ?? 0) > 0) return id;
  }
  return ACCOUNT_SCOPE;
}

export function parentScopeOf(orgId: string, dedications: ReadonlyMap<string, number>, parentOf: ParentOf): Scope {
  const parent = parentOf(orgId);
  return parent === null || parent === undefined ? ACCOUNT_SCOPE : licenseSourceOf(parent, dedications, parentOf);
}

/** `licenseSourceOf` for many organizations of one tree and one set of dedications, each computed once. */
export function licenseSources(dedications: ReadonlyMap<string, number>, parentOf: ParentOf): (orgId: string) => Scope {
  const known = new Map<string, Scope>();
  return (orgId) => {
    let source = known.get(orgId);
    if (source === undefined) known.set(orgId, (source = licenseSourceOf(orgId, dedications, parentOf)));
    return source;
  };
}

/** A `ParentOf` over a map orgId → parentOrgId. */
export function parentsFrom(parents: ReadonlyMap<string, string | null>): ParentOf {
  return (orgId) => parents.get(orgId);
}
