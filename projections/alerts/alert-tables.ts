import { sql, type Kysely } from 'kysely';
import type { AlertKind } from '../../libs/domain/src/alerts/alert-rules.js';
import type { Product } from '../../libs/domain/src/products.js';

/**
 * The alert processor's tables, in its generation schema (a rebuild fills new ones from the log):
 *
 * - `alert_generation`: one row, a token naming this generation (the processor's in-memory monitors are kept per generation);
 * - `alert_accounts`: the accounts that ever had a rule, and the last of their events folded (the state
 *   their monitor must be at before the next batch: checked, and rebuilt from the account's stream if not);
 * - `alert_rules`, `webhooks`: as the log made them, removed ones kept with when they went;
 * - `alerts`: every alert raised, open (`cleared_at` null) or past, with its value and evidence.
 *
 * Instants are timestamptz; log positions are `COMMIT/PREPARE` text, as the events API prints them.
 */
export interface AlertTables {
  alert_generation: { token: string };
  alert_accounts: { account_id: string; position: string };
  alert_rules: {
    account_id: string;
    rule_id: string;
    kind: AlertKind;
    product: Product;
    scope: string;
    threshold: number;
    window_seconds: number;
    created_at: Date | string;
    created_position: string;
    removed_at: Date | string | null;
    removed_position: string | null;
  };
  webhooks: {
    account_id: string;
    webhook_id: string;
    url: string;
    secret_fingerprint: string;
    registered_at: Date | string;
    registered_position: string;
    removed_at: Date | string | null;
    removed_position: string | null;
  };
  alerts: {
    account_id: string;
    alert_id: string;
    rule_id: string;
    kind: AlertKind;
    product: Product;
    scope: string;
    threshold: number;
    window_seconds: number;
    raised_at: Date | string;
    raised_position: string;
    value: number | null;
    /** Log positions of the events behind the value, in log order. */
    evidence: string[];
    /** JSON: what expires (expiring alerts), else null. */
    subject: string | null;
    /** JSON: the figures the value was read from. */
    figures: string;
    cleared_at: Date | string | null;
    cleared_position: string | null;
    cleared_reason: string | null;
  };
}

/** Creates the tables in the (empty) schema `db` is scoped to; `token` names the generation. */
export async function createAlertTables(db: Kysely<AlertTables>, token: string): Promise<void> {
  await db.schema
    .createTable('alert_generation')
    .addColumn('token', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('alert_accounts')
    .addColumn('account_id', 'text', (c) => c.primaryKey())
    .addColumn('position', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('alert_rules')
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('rule_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('product', 'text', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('threshold', 'double precision', (c) => c.notNull())
    .addColumn('window_seconds', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('created_position', 'text', (c) => c.notNull())
    .addColumn('removed_at', 'timestamptz')
    .addColumn('removed_position', 'text')
    .addPrimaryKeyConstraint('alert_rules_pk', ['account_id', 'rule_id', 'created_position'])
    .execute();
  await db.schema
    .createTable('webhooks')
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('webhook_id', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('secret_fingerprint', 'text', (c) => c.notNull())
    .addColumn('registered_at', 'timestamptz', (c) => c.notNull())
    .addColumn('registered_position', 'text', (c) => c.notNull())
    .addColumn('removed_at', 'timestamptz')
    .addColumn('removed_position', 'text')
    .addPrimaryKeyConstraint('webhooks_pk', ['account_id', 'webhook_id', 'registered_position'])
    .execute();
  await db.schema
    .createTable('alerts')
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('alert_id', 'text', (c) => c.notNull())
    .addColumn('rule_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('product', 'text', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('threshold', 'double precision', (c) => c.notNull())
    .addColumn('window_seconds', 'integer', (c) => c.notNull())
    .addColumn('raised_at', 'timestamptz', (c) => c.notNull())
    .addColumn('raised_position', 'text', (c) => c.notNull())
    .addColumn('value', 'double precision')
    .addColumn('evidence', sql`text[]`, (c) => c.notNull())
    .addColumn('subject', 'text')
    .addColumn('figures', 'text', (c) => c.notNull())
    .addColumn('cleared_at', 'timestamptz')
    .addColumn('cleared_position', 'text')
    .addColumn('cleared_reason', 'text')
    .addPrimaryKeyConstraint('alerts_pk', ['account_id', 'alert_id'])
    .execute();
  await db.schema.createIndex('alerts_by_time').on('alerts').columns(['account_id', 'raised_at', 'alert_id']).execute();
  await db.insertInto('alert_generation').values({ token }).execute();
}
