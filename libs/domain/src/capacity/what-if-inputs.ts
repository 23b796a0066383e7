import type { PurchaseTerms } from '../rules/purchases.js';
import type { ParentOf } from '../rules/scopes.js';

/** A fact's place in the account's log: business instant, then stream revision for ties. */
export interface LogPlace {
  readonly at: number;
  readonly seq: number;
}

/** A purchase of the product as it stood after its purchase or an amendment. */
export interface PurchaseVersion extends PurchaseTerms {
  readonly purchaseId: string;
}

/** A change of the product's pool: a purchase or amendment, or a dedication. */
export type PoolChange =
  | (LogPlace & { readonly kind: 'purchase'; readonly purchase: PurchaseVersion })
  | (LogPlace & { readonly kind: 'dedication'; readonly orgId: string; readonly quantity: number });

/** A user moved to another organization: the units the user holds move with them (SPEC §1). */
export interface UserMove extends LogPlace {
  readonly userId: string;
  readonly orgId: string;
}

/** A unit of the product over [start, end): a session, an activation or an offline license. */
export interface ReplayUnit {
  /** Session id, application id or offline license id (for explanations). */
  readonly id: string;
  /** The holder; null for a TrueTest application (drawn from the account, held by no user). */
  readonly userId: string | null;
  /** The holder's organization at the unit's start; null for an application. */
  readonly orgId: string | null;
  readonly start: number;
  /** Revision of the event that started it (a denied attempt: its SessionDenied / ApplicationDenied). */
  readonly seq: number;
  /** +∞ while still open. */
  readonly end: number;
}

export interface DemandUnit extends ReplayUnit {
  /** An accepted session (activation) replayed, or an attempt denied for capacity given a duration. */
  readonly kind: 'accepted' | 'denied';
}

export interface Hypothesis {
  /** The account's purchased quantity, replacing the real one. */
  readonly quantity?: number;
  /** orgId → dedicated quantity (absolute; 0 = no dedication), replacing the real ones. */
  readonly dedications?: ReadonlyMap<string, number>;
}

export interface ReplayInput {
  /** The organization tree (organizations are never re-parented, so the tree as it stands now will do). */
  readonly parentOf: ParentOf;
  /** The product's purchases, amendments and dedications, in log order (the whole history up to the window's end). */
  readonly poolChanges: readonly PoolChange[];
  /** Every user move up to the window's end, in log order. */
  readonly moves: readonly UserMove[];
  /** Units that keep their real history (open at the window's start, offline licenses). */
  readonly held: readonly ReplayUnit[];
  /** The window's demand. */
  readonly demand: readonly DemandUnit[];
}
