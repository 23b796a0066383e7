import type { Generated } from 'kysely';

/**
 * The webhook tables (created by the ledger's migration 0007-webhooks), in the database's own schema (beside the events and the projection registry,
 * not in a projection generation: a rebuild must neither lose nor repeat deliveries).
 *
 * - `webhook_secrets`: each registered secret, sealed (AES-256-GCM, see secret-box.ts), by the
 *   account, webhook and fingerprint its WebhookRegistered event names;
 * - `webhook_deliveries`: the outbox — one row per alert transition and webhook, written by the alert
 *   processor in the transaction that moves its checkpoint; unique per (account, webhook, alert, event),
 *   so folding the same history again adds nothing;
 * - `webhook_attempts`: every POST made for a delivery and how it ended.
 */
export type WebhookTables = {
  webhook_secrets: {
    account_id: string;
    webhook_id: string;
    fingerprint: string;
    sealed: string;
    created_at: Generated<Date>;
  };
  webhook_deliveries: {
    delivery_id: Generated<string>;
    account_id: string;
    webhook_id: string;
    secret_fingerprint: string;
    url: string;
    alert_id: string;
    event: DeliveryEvent;
    payload: string;
    source_commit: string;
    source_prepare: string;
    status: Generated<DeliveryStatus>;
    attempts: Generated<number>;
    created_at: Generated<Date>;
    next_attempt_at: Generated<Date>;
    delivered_at: Date | null;
    last_status: number | null;
    last_error: string | null;
  };
  webhook_attempts: {
    delivery_id: string;
    attempt: number;
    started_at: Date;
    duration_ms: number;
    status_code: number | null;
    error: string | null;
  };
};

export type DeliveryEvent = 'AlertRaised' | 'AlertCleared';
/** pending: to be (re)tried at next_attempt_at; delivered: a 2xx came back; failed: 24 h of retries ran out; cancelled: the webhook was removed. */
export type DeliveryStatus = 'pending' | 'delivered' | 'failed' | 'cancelled';

/** NOTIFY channel raised when the alert processor commits new deliveries: wakes the deliverer at once. */
export const DELIVERIES_ADDED_CHANNEL = 'ledger_webhook_deliveries_added';
