import { sql, type ColumnType, type Kysely } from 'kysely';
import { DomainError, type ErrorCode, type FieldError } from '../../domain/src/index.js';
import type { LedgerDatabase } from '../../database/src/ledger-database.js';

/** Created by libs/database/src/migrations/0004-rejected-commands.ts. */
export interface RejectedCommandTables {
  ledger_rejected_commands: {
    account_id: string;
    command_id: string;
    code: string;
    message: string;
    errors: ColumnType<FieldError[], string, never>;
    rejected_at: ColumnType<Date, never, never>;
  };
}

/**
 * Rejections of commands that carried a `commandId`. A rejected command appends nothing to the
 * stream, so without this record a repeated command would be decided again and could get another
 * answer; with it, a repeat returns the first outcome (SPEC §3).
 */
export interface RejectedCommands {
  find(accountId: string, commandIds: readonly string[]): Promise<Map<string, DomainError>>;
  record(accountId: string, rejections: ReadonlyMap<string, DomainError>): Promise<void>;
}

export function createRejectedCommands(database: LedgerDatabase): RejectedCommands {
  const db: Kysely<RejectedCommandTables> = database.kysely<RejectedCommandTables>();
  return {
    async find(accountId, commandIds) {
      const found = new Map<string, DomainError>();
      if (commandIds.length === 0) return found;
      const rows = await db
        .selectFrom('ledger_rejected_commands')
        .select(['command_id', 'code', 'message', 'errors'])
        .where('account_id', '=', accountId)
        .where(sql<boolean>`command_id = ANY(${[...commandIds]}::text[])`)
        .execute();
      for (const row of rows) found.set(row.command_id, new DomainError(row.code as ErrorCode, row.message, row.errors));
      return found;
    },
    async record(accountId, rejections) {
      if (rejections.size === 0) return;
      const entries = [...rejections];
      await sql`INSERT INTO ledger_rejected_commands (account_id, command_id, code, message, errors)
        SELECT ${accountId}, * FROM unnest(${entries.map(([id]) => id)}::text[], ${entries.map(([, e]) => e.code)}::text[],
          ${entries.map(([, e]) => e.message)}::text[], ${entries.map(([, e]) => JSON.stringify(e.errors))}::jsonb[])
        ON CONFLICT DO NOTHING`.execute(db);
    },
  };
}
