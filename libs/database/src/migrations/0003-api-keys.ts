import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

/** `ledger_api_keys` (libs/auth/src/sql-api-key-store.ts): keys stored hashed; operator keys alone have no account. */
export const apiKeysMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('ledger_api_keys')
      .ifNotExists()
      .addColumn('key_id', 'text', (c) => c.primaryKey())
      .addColumn('secret_hash', 'text', (c) => c.notNull())
      .addColumn('account_id', 'text')
      .addColumn('role', 'text', (c) => c.notNull().check(sql`role IN ('account-admin', 'auditor', 'ingest', 'operator')`))
      .addColumn('created_at', 'timestamptz', (c) => c.notNull())
      .addColumn('revoked_at', 'timestamptz')
      .addCheckConstraint('ledger_api_keys_check', sql`(role = 'operator') = (account_id IS NULL)`)
      .execute();
    await db.schema.createIndex('ledger_api_keys_account').ifNotExists().on('ledger_api_keys').column('account_id').execute();
  },
};
