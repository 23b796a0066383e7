import type { AlertFigures, AlertSubject } from '../../domain/src/alerts/alert-findings.js';
import type { EventView } from './audit.js';

export type { AlertFigures, AlertSubject };

/** Alerts and webhooks (SPEC §9): the bodies of the `/v1/accounts/{id}/alert-rules|alerts|webhooks` routes. */

export type AlertKind = 'usage-threshold' | 'denials' | 'over-allocated' | 'expiring';

/** What a rule watches (SPEC §9). */
export interface AlertRuleFields {
  readonly ruleId: string;
  readonly kind: AlertKind;
  readonly product: string;
  /** 'account' or an orgId. */
  readonly scope: string;
  readonly threshold: number;
  readonly windowSeconds: number;
}

/** A rule as created (removed ones keep `removedAt`). */
export interface AlertRuleView extends AlertRuleFields {
  readonly createdAt: string;
  readonly removedAt: string | null;
}

export interface AlertRulesBody {
  readonly accountId: string;
  readonly asOfPosition: string | null;
  readonly rules: readonly AlertRuleView[];
}

/** An alert, with the fields of the rule that raised it. */
export interface AlertView extends AlertRuleFields {
  readonly alertId: string;
  readonly status: 'open' | 'cleared';
  /** Business time the condition started (for a hold window: when it completed). */
  readonly raisedAt: string;
  /** usage-threshold: % of the pool in use (null when the pool is ≤ 0); over-allocated: available; denials: attempts; expiring: days left. */
  readonly value: number | null;
  /** Log positions of the events behind the value, in log order. */
  readonly evidence: readonly string[];
  readonly subject: AlertSubject | null;
  readonly figures: AlertFigures;
  readonly clearedAt: string | null;
  /** 'condition ended' or 'rule removed'. */
  readonly clearedReason: string | null;
  /** Where in the log the processor raised and cleared it. */
  readonly raisedPosition: string;
  readonly clearedPosition: string | null;
  readonly links: { readonly self: string; readonly explain: string };
}

/** `GET …/alerts`: newest first; `status=open|cleared`, `ruleId`, `kind`, `product` filter; paged. */
export interface AlertsBody {
  readonly accountId: string;
  readonly asOfPosition: string | null;
  readonly total: number;
  readonly page: number;
  readonly pageSize: number;
  readonly alerts: readonly AlertView[];
}

/**
 * `GET …/alerts/{alertId}/explain`: the alert like a report figure — its value, the figures it was read
 * from, and every event of its evidence (with a link into the events log).
 */
export interface AlertExplanation {
  readonly report: 'alerts';
  readonly accountId: string;
  readonly alertId: string;
  readonly metric: 'value';
  readonly value: number | null;
  readonly asOfPosition: string | null;
  readonly alert: AlertView;
  /** Why it is raised, in words. */
  readonly reading: string;
  readonly events: readonly EventView[];
  /** The events log from the first evidence event (GET …/events?after=…). */
  readonly eventsLog: string;
}

export interface WebhookView {
  readonly webhookId: string;
  readonly url: string;
  /** A keyed fingerprint of the secret (never the secret). */
  readonly secretFingerprint: string;
  readonly registeredAt: string;
  readonly removedAt: string | null;
}

export interface WebhooksBody {
  readonly accountId: string;
  /** The alert processor's position the list was read at (a registration shows once it is reached). */
  readonly asOfPosition: string | null;
  readonly webhooks: readonly WebhookView[];
}

export interface DeliveryAttemptView {
  readonly attempt: number;
  readonly startedAt: string;
  readonly durationMs: number;
  /** The receiver's status; null when no answer came (refused, timed out, not allowed). */
  readonly statusCode: number | null;
  readonly error: string | null;
}

export interface DeliveryView {
  /** The `Ledger-Delivery` header: `<alertId>:<event>`. */
  readonly deliveryId: string;
  readonly alertId: string;
  readonly event: 'AlertRaised' | 'AlertCleared';
  /** pending (to be tried at nextAttemptAt), delivered, failed (24 h of retries ran out), cancelled (webhook removed). */
  readonly status: 'pending' | 'delivered' | 'failed' | 'cancelled';
  readonly createdAt: string;
  readonly nextAttemptAt: string | null;
  readonly deliveredAt: string | null;
  readonly attempts: readonly DeliveryAttemptView[];
}

/** `GET …/webhooks/{id}/deliveries`: newest first, paged; `status` filters. */
export interface DeliveriesBody {
  readonly accountId: string;
  readonly webhookId: string;
  readonly total: number;
  readonly page: number;
  readonly pageSize: number;
  readonly deliveries: readonly DeliveryView[];
}
