import { DomainError } from '../../../libs/domain/src/errors.js';

/** The query string without `accountId`, which routes take from the path (a second one is refused, naming it). */
export function withoutAccountId(query: Record<string, unknown>): Record<string, unknown> {
  const { accountId, ...rest } = query;
  if (accountId !== undefined) {
    throw new DomainError('VALIDATION_FAILED', 'accountId: is taken from the path', [
      { path: 'accountId', message: 'is taken from the path, not the query' },
    ]);
  }
  return rest;
}
