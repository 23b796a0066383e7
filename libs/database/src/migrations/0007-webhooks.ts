import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

/**
 * The webhook tables (libs/webhooks/src/webhook-tables.ts), in the ledger's own schema beside the events
 * and the projection registry, not in a projection generation: a rebuild must neither lose nor repeat
 * deliveries. `webhook_secrets` holds each registered secret sealed; `webhook_deliveries` is the outbox
 * the alert processor writes in the transaction of its checkpoint; `webhook_attempts` every POST made.
 */
export const webhooksMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await sql`CREATE TABLE webhook_secrets (
      account_id text NOT NULL,
      webhook_id text NOT NULL,
      fingerprint text NOT NULL,
      sealed text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (account_id, webhook_id, fingerprint)
    )`.execute(db);
    await sql`CREATE TABLE webhook_deliveries (
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
    )`.execute(db);
    await sql`CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending'`.execute(db);
    await sql`CREATE INDEX webhook_deliveries_by_webhook ON webhook_deliveries (account_id, webhook_id, delivery_id)`.execute(db);
    await sql`CREATE TABLE webhook_attempts (
      delivery_id bigint NOT NULL REFERENCES webhook_deliveries (delivery_id) ON DELETE CASCADE,
      attempt integer NOT NULL,
      started_at timestamptz NOT NULL,
      duration_ms integer NOT NULL,
      status_code integer,
      error text,
      PRIMARY KEY (delivery_id, attempt)
    )`.execute(db);
  },
};
