import type { LedgerEvent, Scope } from '../events.js';
import type { HoldingSources } from '../holding-sources.js';
import type { Product } from '../products.js';
import type { ScopeFigures } from '../rules/pool-math.js';
import type { AccountState } from '../state.js';
import type { AlertRuleSpec } from './alert-rules.js';
import type { AlertClearedTransition, AlertRaisedTransition } from './alert-transitions.js';

/** An instant as the alerts report it: ISO, UTC. */
export const iso = (instant: number): string => new Date(instant).toISOString();

/** What a watch reads of the account: the state and sources the AlertMonitor has folded so far. */
export interface WatchedAccount {
  readonly state: AccountState;
  readonly sources: HoldingSources<string>;
  readonly leaseMs: number;
  /** Pool figures of a product at an instant of the current state. */
  figuresAt(product: Product, at: number): Map<Scope, ScopeFigures>;
}

/** An alert raised and not yet cleared. */
export interface OpenAlert {
  readonly alertId: string;
}

/** What a rule needs to read the account at a point and report what it found. */
export interface Moment {
  readonly monitor: WatchedAccount;
  /** The instant of the point visited. */
  readonly at: number;
  raise(watch: RuleWatch, at: number, found: Omit<AlertRaisedTransition, 'type' | 'alertId' | 'rule' | 'at' | 'webhooks'>): OpenAlert;
  clear(watch: RuleWatch, open: OpenAlert, at: number, reason: AlertClearedTransition['reason']): void;
}

/** One alert rule followed through the account's business time: what it has open, when time alone may change it. */
export interface RuleWatch {
  readonly rule: AlertRuleSpec;
  /** The first instant after `after` at which time alone may change this rule's condition; null if none. */
  nextInstant(monitor: WatchedAccount, after: number): number | null;
  evaluate(moment: Moment): void;
  /** An event just folded (denials count attempts here). */
  observe(monitor: WatchedAccount, event: LedgerEvent, ref: string, at: number): void;
  /** The rule is removed at `at`: clear what is open. */
  close(moment: Moment): void;
}
