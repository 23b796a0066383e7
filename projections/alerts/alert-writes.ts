import { sql, type Kysely } from 'kysely';
import type { AlertTransition } from '../../libs/domain/src/alerts/alert-transitions.js';
import type { LedgerEvent } from '../../libs/domain/src/events.js';
import { comparePositions, formatPosition, parsePosition, type StoredEvent } from '../../libs/event-store/src/event-store.js';
import { deliveryPayload } from '../../libs/webhooks/src/delivery-payload.js';
import { DELIVERIES_ADDED_CHANNEL, type WebhookTables } from '../../libs/webhooks/src/webhook-tables.js';
import type { AlertTables } from './alert-tables.js';

type AlertRow = AlertTables['alerts'];
type DeliveryRow = Omit<
  WebhookTables['webhook_deliveries'],
  'delivery_id' | 'status' | 'attempts' | 'created_at' | 'next_attempt_at' | 'delivered_at' | 'last_status' | 'last_error'
>;

/** Log order of `COMMIT/PREPARE` positions. */
export function inLogOrder(positions: readonly string[]): string[] {
  return [...positions].sort((a, b) => comparePositions(parsePosition(a), parsePosition(b)));
}

/**
 * What one batch of the alert processor writes, gathered while it folds and written at the end, in the
 * batch's transaction: rules and webhooks as their events say (rare, written in order), alerts raised
 * and cleared (a clear of an alert raised in the same batch goes into its row), and one outbox row per
 * transition and webhook, in the database's own schema, unique so that folding the log again adds none.
 */
export class AlertWrites {
  readonly #statements: ((trx: Kysely<AlertTables>) => Promise<unknown>)[] = [];
  readonly #raised = new Map<string, AlertRow>();
  readonly #cleared: { accountId: string; alertId: string; at: string; position: string; reason: string }[] = [];
  readonly #deliveries: DeliveryRow[] = [];
  readonly #webhooksRemoved: { accountId: string; webhookId: string; position: StoredEvent['position'] }[] = [];

  /** An event of the account: rules and webhooks are recorded as they come, whether or not the account is monitored yet. */
  event(accountId: string, stored: StoredEvent, event: LedgerEvent): void {
    this.#record(accountId, event, formatPosition(stored.position)!);
    if (event.type === 'WebhookRemoved') this.#webhooksRemoved.push({ accountId, webhookId: event.data.webhookId, position: stored.position });
  }

  /** The transitions the fold of `stored` produced. */
  transitions(accountId: string, stored: StoredEvent, transitions: readonly AlertTransition[]): void {
    const position = formatPosition(stored.position)!;
    for (const transition of transitions) {
      if (transition.type === 'AlertRaised') {
        const { rule } = transition;
        this.#raised.set(transition.alertId, {
          account_id: accountId,
          alert_id: transition.alertId,
          rule_id: rule.ruleId,
          kind: rule.kind,
          product: rule.product,
          scope: rule.scope,
          threshold: rule.threshold,
          window_seconds: rule.windowSeconds,
          raised_at: transition.at,
          raised_position: position,
          value: transition.value,
          evidence: inLogOrder(transition.evidence),
          subject: transition.subject === null ? null : JSON.stringify(transition.subject),
          figures: JSON.stringify(transition.figures),
          cleared_at: null,
          cleared_position: null,
          cleared_reason: null,
        });
      } else {
        const row = this.#raised.get(transition.alertId);
        if (row)
          this.#raised.set(transition.alertId, { ...row, cleared_at: transition.at, cleared_position: position, cleared_reason: transition.reason });
        else this.#cleared.push({ accountId, alertId: transition.alertId, at: transition.at, position, reason: transition.reason });
      }
      const evidence = transition.type === 'AlertRaised' ? inLogOrder(transition.evidence) : [];
      for (const webhook of transition.webhooks) {
        this.#deliveries.push({
          account_id: accountId,
          webhook_id: webhook.webhookId,
          secret_fingerprint: webhook.secretFingerprint,
          url: webhook.url,
          alert_id: transition.alertId,
          event: transition.type,
          payload: deliveryPayload(accountId, webhook, transition, evidence),
          source_commit: String(stored.position.commit),
          source_prepare: String(stored.position.prepare),
        });
      }
    }
  }

  async flush(trx: Kysely<AlertTables>): Promise<void> {
    for (const statement of this.#statements) await statement(trx);
    if (this.#raised.size > 0)
      await trx
        .insertInto('alerts')
        .values([...this.#raised.values()])
        .execute();
    for (const clear of this.#cleared) {
      await trx
        .updateTable('alerts')
        .set({ cleared_at: clear.at, cleared_position: clear.position, cleared_reason: clear.reason })
        .where('account_id', '=', clear.accountId)
        .where('alert_id', '=', clear.alertId)
        .execute();
    }
    // The outbox is in the database's own schema, not the generation's: a rebuild must not deliver again.
    const outbox = trx.withoutPlugins().withTables<WebhookTables>();
    if (this.#deliveries.length > 0) {
      await outbox
        .insertInto('webhook_deliveries')
        .values(this.#deliveries)
        .onConflict((conflict) => conflict.columns(['account_id', 'webhook_id', 'alert_id', 'event']).doNothing())
        .execute();
      await sql`SELECT pg_notify(${DELIVERIES_ADDED_CHANNEL}, '')`.execute(outbox);
    }
    for (const removed of this.#webhooksRemoved) {
      const { commit, prepare } = removed.position;
      await outbox
        .updateTable('webhook_deliveries')
        .set({ status: 'cancelled', last_error: 'the webhook was removed' })
        .where('account_id', '=', removed.accountId)
        .where('webhook_id', '=', removed.webhookId)
        .where('status', '=', 'pending')
        .where(sql<boolean>`(source_commit, source_prepare) < (${String(commit)}::numeric, ${String(prepare)}::numeric)`)
        .execute();
    }
  }

  /** Rules and webhooks, in the order their events came. */
  #record(accountId: string, event: LedgerEvent, position: string): void {
    const at = event.occurredAt;
    switch (event.type) {
      case 'AlertRuleCreated': {
        const { ruleId, kind, product, scope, threshold, windowSeconds } = event.data;
        this.#statements.push((trx) =>
          trx
            .insertInto('alert_rules')
            .values({
              account_id: accountId,
              rule_id: ruleId,
              kind,
              product,
              scope,
              threshold,
              window_seconds: windowSeconds,
              created_at: at,
              created_position: position,
              removed_at: null,
              removed_position: null,
            })
            .execute(),
        );
        break;
      }
      case 'AlertRuleRemoved':
        this.#statements.push((trx) =>
          trx
            .updateTable('alert_rules')
            .set({ removed_at: at, removed_position: position })
            .where('account_id', '=', accountId)
            .where('rule_id', '=', event.data.ruleId)
            .where('removed_at', 'is', null)
            .execute(),
        );
        break;
      case 'WebhookRegistered': {
        const { webhookId, url, secretFingerprint } = event.data;
        this.#statements.push((trx) =>
          trx
            .insertInto('webhooks')
            .values({
              account_id: accountId,
              webhook_id: webhookId,
              url,
              secret_fingerprint: secretFingerprint,
              registered_at: at,
              registered_position: position,
              removed_at: null,
              removed_position: null,
            })
            .execute(),
        );
        break;
      }
      case 'WebhookRemoved':
        this.#statements.push((trx) =>
          trx
            .updateTable('webhooks')
            .set({ removed_at: at, removed_position: position })
            .where('account_id', '=', accountId)
            .where('webhook_id', '=', event.data.webhookId)
            .where('removed_at', 'is', null)
            .execute(),
        );
        break;
      default:
        break;
    }
  }
}
