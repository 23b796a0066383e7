import type { FieldError } from '../../../../libs/domain/src/errors.js';
import type { NumberedCommand } from '../../../../libs/ledger/src/import/ndjson-import.js';
import type { ApiKey } from '../../../../libs/auth/src/api-keys.js';
import { roleMaySend } from '../../../../libs/auth/src/roles.js';
import { Forbidden, article } from './access-errors.js';

/** At most this many lines are named in a 403; the detail still counts them all. */
const MAX_NAMED_LINES = 100;

/**
 * `POST /v1/import` (SPEC §6): every line is authorized before anything is applied. A line for
 * another account, or a command the key's role may not send, → 403 FORBIDDEN naming the lines;
 * nothing is applied. The answer is the same whether that other account exists or not.
 */
export function authorizeImportLines(key: ApiKey | undefined, commands: readonly NumberedCommand[]): void {
  if (key === undefined) throw new Forbidden('An import needs an API key');
  const denied: FieldError[] = [];
  for (const { line, command } of commands) {
    if (key.accountId === null || command.accountId !== key.accountId) {
      denied.push({ path: `line ${line}`, message: 'is for an account this key may not send commands to' });
    } else if (!roleMaySend(key.role, command.type)) {
      denied.push({ path: `line ${line}`, message: `${article(key.role)} ${key.role} key may not send ${command.type}` });
    }
  }
  if (denied.length === 0) return;
  throw new Forbidden(`${denied.length} line(s) may not be sent with this key; nothing was imported`, denied.slice(0, MAX_NAMED_LINES));
}
