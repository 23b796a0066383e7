import { ForbiddenException, UnauthorizedException } from '@nestjs/common';
import { DomainError, type FieldError } from '../../../../libs/domain/src/errors.js';

/** 401 UNAUTHENTICATED: no key, or one that is malformed, unknown or revoked (the answer does not say which). */
export class Unauthenticated extends UnauthorizedException {
  constructor(readonly reason: 'missing' | 'invalid') {
    super(
      reason === 'missing'
        ? 'This route needs an API key: send the header Authorization: Bearer <key>'
        : 'The API key is not valid (unknown, malformed or revoked)',
    );
  }
}

/** 403 FORBIDDEN: the key is valid but its role may not do this; `errors` name import lines. */
export class Forbidden extends ForbiddenException {
  constructor(
    detail: string,
    readonly errors: readonly FieldError[] = [],
  ) {
    super({ message: detail, errors });
  }
}

/**
 * The 404 an unknown account gets, word for word: a key scoped to another account learns
 * nothing about whether this one exists.
 */
export function unknownAccount(accountId: string, method: string): DomainError {
  // Reads answer as the report tables do; commands as the ledger does.
  return method === 'GET' || method === 'HEAD'
    ? new DomainError('NOT_FOUND', `account '${accountId}' does not exist`)
    : new DomainError('NOT_FOUND', `account '${accountId}' does not exist`, [{ path: 'accountId', message: 'unknown account' }]);
}

/** `an account-admin`, `a operator`… → `an operator`. */
export function article(word: string): string {
  return /^[aeiou]/i.test(word) ? 'an' : 'a';
}
