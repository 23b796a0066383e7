import type { AlertRuleSpec } from './alerts/alert-rules.js';
import type { LicenseType } from './commands.js';
import type { Product } from './products.js';

/**
 * The state of one account, folded from its stream. Everything an account's rules need lives
 * in this one consistency boundary, so one expected revision guards every invariant.
 *
 * `evolve` updates the state in place: an account can hold millions of entries and copying
 * it per event would dominate the cost. `decide` only reads it.
 *
 * It holds what the rules read, no more: which commandIds were seen is asked of the event store
 * (idempotency, docs/decisions.md "Command index in the database"), and an ended session leaves only its id.
 *
 * Snapshots store this state (state-snapshot.ts): changing it or `evolve` → bump ACCOUNT_STATE_VERSION.
 */
export interface Organization {
  readonly orgId: string;
  readonly name: string;
  readonly parentOrgId: string | null;
}
export interface User {
  readonly userId: string;
  email: string;
  fullName: string;
  orgId: string;
}
export interface Project {
  readonly projectId: string;
  readonly name: string;
  readonly orgId: string;
  readonly members: Set<string>;
}

export interface Purchase {
  readonly purchaseId: string;
  readonly product: Product;
  quantity: number;
  readonly startsAt: number;
  expiresAt: number;
  /** Business time the purchase was recorded; it never counts before (SPEC §2). */
  readonly recordedAt: number;
  machineQuota: number | null;
}

export interface Seat {
  readonly assignedAt: number;
  activated: boolean;
}

/** A session not yet ended or expired by an event. */
export interface Session {
  readonly sessionId: string;
  readonly product: Product;
  readonly userId: string;
  readonly machineId: string;
  readonly licenseType: LicenseType;
  readonly startedAt: number;
  lastSeen: number;
  /** True when the session holds a concurrency unit (online session of a session product). */
  readonly drawsUnit: boolean;
}

/** A webhook of the account: where alerts are POSTed, and the fingerprint of the secret they are signed with. */
export interface Webhook {
  readonly webhookId: string;
  readonly url: string;
  readonly secretFingerprint: string;
}

export interface OfflineLicense {
  readonly userId: string;
  readonly machineId: string;
  readonly expiresAt: number;
}

export interface ProductState {
  /** orgId → dedicated quantity (> 0 only; 0 removes the dedication). */
  readonly dedications: Map<string, number>;
  readonly seats: Map<string, Seat>;
  /** Sessions of this product that hold a unit and are not ended or expired by an event. */
  readonly unitSessions: Set<string>;
  readonly offlineLicenses: OfflineLicense[];
  /** machineId → the user who registered it. */
  readonly machines: Map<string, string>;
  readonly applications: Set<string>;
  /** Units held per organization of the holder (seats, unit sessions): pools sum them by source. */
  readonly seatsByOrg: Map<string, number>;
  readonly sessionUnitsByOrg: Map<string, number>;
}

export interface AccountState {
  opened: boolean;
  accountId: string;
  name: string;
  timezone: string;
  /** Business time of the latest event: no command may go back before it. */
  lastAt: number;
  /** Stream revision of the last folded event; -1n for an empty stream. */
  revision: bigint;
  readonly orgs: Map<string, Organization>;
  readonly users: Map<string, User>;
  /** lower-cased email → userId */
  readonly emails: Map<string, string>;
  readonly projects: Map<string, Project>;
  readonly purchases: Map<string, Purchase>;
  readonly products: Map<Product, ProductState>;
  /** Sessions not yet ended or expired by an event (their lease may have lapsed meanwhile). */
  readonly sessions: Map<string, Session>;
  /**
   * Of a session ended or expired by an event, the rules need only that its id is taken and how it
   * closed (SESSION_NOT_OPEN says which): its record leaves `sessions` for one of these.
   */
  readonly endedSessions: Set<string>;
  readonly expiredSessions: Set<string>;
  /** The alert rules in force (SPEC §9), by ruleId. */
  readonly alertRules: Map<string, AlertRuleSpec>;
  /** The webhooks registered, by webhookId. */
  readonly webhooks: Map<string, Webhook>;
}

export function initialState(): AccountState {
  return {
    opened: false,
    accountId: '',
    name: '',
    timezone: 'UTC',
    lastAt: Number.NEGATIVE_INFINITY,
    revision: -1n,
    orgs: new Map(),
    users: new Map(),
    emails: new Map(),
    projects: new Map(),
    purchases: new Map(),
    products: new Map(),
    sessions: new Map(),
    endedSessions: new Set(),
    expiredSessions: new Set(),
    alertRules: new Map(),
    webhooks: new Map(),
  };
}

const NO_PRODUCT_STATE: ProductState = Object.freeze({
  dedications: new Map(),
  seats: new Map(),
  unitSessions: new Set<string>(),
  offlineLicenses: [],
  machines: new Map(),
  applications: new Set<string>(),
  seatsByOrg: new Map(),
  sessionUnitsByOrg: new Map(),
}) as ProductState;

/** The product's state for reading: an empty one for a product the account never used (nothing is added). */
export function productView(state: AccountState, product: Product): ProductState {
  return state.products.get(product) ?? NO_PRODUCT_STATE;
}

/** The product's state for `evolve`, created on first use. */
export function productState(state: AccountState, product: Product): ProductState {
  let ps = state.products.get(product);
  if (!ps) {
    ps = {
      dedications: new Map(),
      seats: new Map(),
      unitSessions: new Set(),
      offlineLicenses: [],
      machines: new Map(),
      applications: new Set(),
      seatsByOrg: new Map(),
      sessionUnitsByOrg: new Map(),
    };
    state.products.set(product, ps);
  }
  return ps;
}
