import { sql, type Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

/** `ledger_rejected_commands` (libs/ledger/src/rejected-commands.ts): the first answer to a rejected command with a commandId. */
export const rejectedCommandsMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('ledger_rejected_commands')
      .ifNotExists()
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('command_id', 'text', (c) => c.notNull())
      .addColumn('code', 'text', (c) => c.notNull())
      .addColumn('message', 'text', (c) => c.notNull())
      .addColumn('errors', 'jsonb', (c) => c.notNull())
      .addColumn('rejected_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
      .addPrimaryKeyConstraint('ledger_rejected_commands_pkey', ['account_id', 'command_id'])
      .execute();
  },
};
