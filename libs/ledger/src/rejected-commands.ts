import { DomainError, type ErrorCode, type FieldError } from '../../domain/src/index.js';
import type { SqlExecutor } from '../../read-store/src/database.js';

/**
 * Rejections of commands that carried a `commandId`. A rejected command appends nothing to the
 * stream, so without this record a repeated command would be decided again and could get another
 * answer; with it, a repeat returns the first outcome (SPEC §3).
 */
export interface RejectedCommands {
  find(accountId: string, commandIds: readonly string[]): Promise<Map<string, DomainError>>;
  record(accountId: string, rejections: ReadonlyMap<string, DomainError>): Promise<void>;
}

export async function createRejectedCommands(db: SqlExecutor): Promise<RejectedCommands> {
  await db.query(`
    CREATE TABLE IF NOT EXISTS ledger_rejected_commands (
      account_id text NOT NULL,
      command_id text NOT NULL,
      code text NOT NULL,
      message text NOT NULL,
      errors jsonb NOT NULL,
      rejected_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (account_id, command_id)
    )`);
  return {
    async find(accountId, commandIds) {
      const found = new Map<string, DomainError>();
      if (commandIds.length === 0) return found;
      const rows = await db.query<{ command_id: string; code: string; message: string; errors: FieldError[] }>(
        'SELECT command_id, code, message, errors FROM ledger_rejected_commands WHERE account_id = $1 AND command_id = ANY($2::text[])',
        [accountId, commandIds],
      );
      for (const row of rows) found.set(row.command_id, new DomainError(row.code as ErrorCode, row.message, row.errors));
      return found;
    },
    async record(accountId, rejections) {
      if (rejections.size === 0) return;
      const entries = [...rejections];
      await db.query(
        `INSERT INTO ledger_rejected_commands (account_id, command_id, code, message, errors)
         SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::jsonb[])
         ON CONFLICT DO NOTHING`,
        [
          accountId,
          entries.map(([id]) => id),
          entries.map(([, e]) => e.code),
          entries.map(([, e]) => e.message),
          entries.map(([, e]) => JSON.stringify(e.errors)),
        ],
      );
    },
  };
}
