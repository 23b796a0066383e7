import type { AlertTransition } from '../../domain/src/alerts/alert-transitions.js';
import type { AlertRuleSpec } from '../../domain/src/alerts/alert-rules.js';
import type { Webhook } from '../../domain/src/state.js';
import type { DeliveryEvent } from './webhook-tables.js';

/**
 * The JSON body POSTed for an alert transition (docs/webhooks.md). `deliveryId` is the
 * `Ledger-Delivery` header: `<alertId>:<event>`, the same on every attempt and for every webhook, so a
 * receiver can drop repeats. Written once, into the outbox, so every attempt sends the same bytes.
 */
interface PayloadBase {
  readonly deliveryId: string;
  readonly accountId: string;
  readonly webhookId: string;
  readonly alertId: string;
  readonly ruleId: string;
  readonly at: string;
  readonly rule: AlertRuleSpec;
  readonly links: { readonly alert: string; readonly explain: string };
}

export interface RaisedPayload extends PayloadBase {
  readonly event: 'AlertRaised';
  readonly value: number | null;
  readonly evidence: readonly string[];
  readonly subject: unknown;
  readonly figures: unknown;
}

export interface ClearedPayload extends PayloadBase {
  readonly event: 'AlertCleared';
  readonly reason: string;
}

export function deliveryIdOf(alertId: string, event: DeliveryEvent): string {
  return `${alertId}:${event}`;
}

export function alertLinks(accountId: string, alertId: string): { alert: string; explain: string } {
  const alert = `/v1/accounts/${encodeURIComponent(accountId)}/alerts/${encodeURIComponent(alertId)}`;
  return { alert, explain: `${alert}/explain` };
}

/** The body for one webhook; `evidence` in log order. */
export function deliveryPayload(accountId: string, webhook: Webhook, transition: AlertTransition, evidence: readonly string[]): string {
  const common: PayloadBase = {
    deliveryId: deliveryIdOf(transition.alertId, transition.type),
    accountId,
    webhookId: webhook.webhookId,
    alertId: transition.alertId,
    ruleId: transition.rule.ruleId,
    at: transition.at,
    rule: transition.rule,
    links: alertLinks(accountId, transition.alertId),
  };
  const body: RaisedPayload | ClearedPayload =
    transition.type === 'AlertRaised'
      ? { event: 'AlertRaised', ...common, value: transition.value, evidence, subject: transition.subject, figures: transition.figures }
      : { event: 'AlertCleared', ...common, reason: transition.reason };
  return JSON.stringify(body);
}
