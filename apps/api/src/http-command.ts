import { DomainError, type FieldError } from '../../../libs/domain/src/errors.js';
import type { ClientCommandType } from '../../../libs/ledger/src/validation/command-dtos.js';

/** Values a route fixes for its command: the path parameters (`accountId`, `userId`, …). */
export type PathFields = Readonly<Record<string, string>>;

/**
 * The raw command a request stands for: its JSON body (none → `{}`), the command type of the
 * route, the path parameters and the `Idempotency-Key` header as `commandId`. A body value that
 * contradicts one of those is rejected, naming the field; everything else is left to
 * `parseCommand`, so HTTP and NDJSON import share one schema.
 */
export function commandFromRequest(type: ClientCommandType, path: PathFields, body: unknown, idempotencyKey: string | undefined): unknown {
  if (body === undefined) body = {};
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return body;
  const fields = body as Record<string, unknown>;
  const conflicts: FieldError[] = [];
  const check = (field: string, value: string, where: string) => {
    if (Object.hasOwn(fields, field) && fields[field] !== value) {
      conflicts.push({ path: field, message: `is ${JSON.stringify(fields[field])} in the body but ${JSON.stringify(value)} ${where}` });
    }
  };
  check('type', type, 'for this route');
  for (const [field, value] of Object.entries(path)) check(field, value, 'in the URL');
  if (idempotencyKey !== undefined) check('commandId', idempotencyKey, 'in the Idempotency-Key header');
  if (conflicts.length > 0) {
    throw new DomainError(
      'VALIDATION_FAILED',
      `The body contradicts the request: ${conflicts.map((c) => `${c.path} ${c.message}`).join('; ')}`,
      conflicts,
    );
  }
  return { ...fields, type, ...path, ...(idempotencyKey !== undefined ? { commandId: idempotencyKey } : {}) };
}
