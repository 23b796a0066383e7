import { sql, type Generated, type Kysely } from 'kysely';

/**
 * The webhook tables, in the database's own schema (beside the events and the projection registry,
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

const DDL = [
  `CREATE TABLE IF NOT EXISTS webhook_secrets (
    account_id text NOT NULL,
    webhook_id text NOT NULL,
    fingerprint text NOT NULL,
    sealed text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, webhook_id, fingerprint)
  )`,
  `CREATE TABLE IF NOT EXISTS webhook_deliveries (
    delivery_id bigserial PRIMARY KEY,
    account_id text NOT NULL,
    webhook_id text NOT NULL,
    secret_fingerprint text NOT NULL,
    url text NOT NULL,
    alert_id text NOT NULL,
    event text NOT NULL CHECK (event IN ('AlertRaised', 'AlertCleared')),
    payload text NOT NULL,
    source_commit numeric(20, 0) NOT NULL,
    source_prepare numeric(20, 0) NOT NULL,
    status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed', 'cancelled')),
    attempts integer NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now(),
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    delivered_at timestamptz,
    last_status integer,
    last_error text,
    UNIQUE (account_id, webhook_id, alert_id, event)
  )`,
  `CREATE INDEX IF NOT EXISTS webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending'`,
  `CREATE INDEX IF NOT EXISTS webhook_deliveries_by_webhook ON webhook_deliveries (account_id, webhook_id, delivery_id)`,
  `CREATE TABLE IF NOT EXISTS webhook_attempts (
    delivery_id bigint NOT NULL REFERENCES webhook_deliveries (delivery_id) ON DELETE CASCADE,
    attempt integer NOT NULL,
    started_at timestamptz NOT NULL,
    duration_ms integer NOT NULL,
    status_code integer,
    error text,
    PRIMARY KEY (delivery_id, attempt)
  )`,
];

/** NOTIFY channel raised when the alert processor commits new deliveries: wakes the deliverer at once. */
export const DELIVERIES_ADDED_CHANNEL = 'ledger_webhook_deliveries_added';

/**
 * Creates the webhook tables if missing, in the schema `db` resolves unqualified names to, inside the
 * caller's transaction (the alert processor creates them with its generation).
 */
export async function createWebhookTables<Tables>(trx: Kysely<Tables>): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtext('license-ledger:webhook-tables'))`.execute(trx);
  for (const statement of DDL) await sql.raw(statement).execute(trx);
}

/** The same in a transaction of its own; safe from several processes. */
export async function ensureWebhookTables<Tables>(db: Kysely<Tables>): Promise<void> {
  await db.transaction().execute((trx) => createWebhookTables(trx));
}
