import type { Webhook } from '../state.js';
import type { AlertFigures, AlertSubject } from './alert-findings.js';
import type { AlertRuleSpec } from './alert-rules.js';

/** What an expiring alert is about, and the figures a value was read from. */
export type { AlertFigures, AlertSubject };

export interface AlertRaisedTransition {
  readonly type: 'AlertRaised';
  readonly alertId: string;
  readonly rule: AlertRuleSpec;
  /** The business instant the condition started (for a hold window: when it completed). ISO, UTC. */
  readonly at: string;
  /** usage-threshold: used / pool in % (null when the pool is ≤ 0); over-allocated: available; denials: attempts; expiring: days left. */
  readonly value: number | null;
  /** The events behind the value, as the caller names them (log positions), in no particular order. */
  readonly evidence: readonly string[];
  readonly subject: AlertSubject | null;
  readonly figures: AlertFigures;
  /** The account's webhooks when it happened: they are told. */
  readonly webhooks: readonly Webhook[];
}

export interface AlertClearedTransition {
  readonly type: 'AlertCleared';
  readonly alertId: string;
  readonly rule: AlertRuleSpec;
  readonly at: string;
  readonly reason: 'condition ended' | 'rule removed';
  readonly webhooks: readonly Webhook[];
}

export type AlertTransition = AlertRaisedTransition | AlertClearedTransition;
