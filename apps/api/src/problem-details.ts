import { HttpException } from '@nestjs/common';
import { DomainError, type FieldError } from '../../../libs/domain/src/errors.js';
import { ProjectionNotReadyError } from '../../../projections/engine/errors.js';
import { LimitExceeded } from './limits/limit-errors.js';
import { SecretKeyMissingError } from '../../../libs/webhooks/src/secret-key.js';
import type { ProblemDetails } from '../../../libs/contracts/src/index.js';

export type { ProblemDetails } from '../../../libs/contracts/src/index.js';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** Codes for failures the HTTP layer detects itself, before a command reaches the ledger. */
const HTTP_CODES: Readonly<Record<number, string>> = {
  400: 'VALIDATION_FAILED',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
};

/** What a 503 tells the client to wait before trying again (`Retry-After`, seconds). */
export const RETRY_AFTER_SECONDS = 5;

/** `Retry-After` of an error answer: a refused request says when; any other 503 the default; else none. */
export function retryAfterOf(exception: unknown, status: number): number | undefined {
  if (exception instanceof LimitExceeded) return exception.retryAfterSeconds;
  return status === 503 ? RETRY_AFTER_SECONDS : undefined;
}

const INTERNAL_ERROR_DETAIL = 'An unexpected error occurred. It has been logged; please try again later.';

/** Turns anything thrown while answering a request into problem details. Never exposes internals. */
export function toProblem(exception: unknown): ProblemDetails {
  if (exception instanceof DomainError) {
    return problem(exception.status, exception.code, exception.message, exception.errors);
  }
  if (exception instanceof LimitExceeded) {
    return problem(exception.status, exception.code, exception.message);
  }
  if (exception instanceof ProjectionNotReadyError) {
    return problem(503, 'PROJECTION_NOT_READY', exception.message);
  }
  if (exception instanceof HttpException && exception.getStatus() < 500) {
    return httpProblem(exception);
  }
  if (exception instanceof SecretKeyMissingError) {
    // The operator's to fix, and the message says how: not an internal error to hide.
    return problem(503, 'WEBHOOKS_NOT_CONFIGURED', exception.message);
  }
  return problem(500, 'INTERNAL_ERROR', INTERNAL_ERROR_DETAIL);
}

function httpProblem(exception: HttpException): ProblemDetails {
  const status = exception.getStatus();
  const code = HTTP_CODES[status] ?? `HTTP_${status}`;
  const cause = exception.cause as { type?: string; limit?: number } | undefined;
  if (cause instanceof SyntaxError) {
    const message = `invalid JSON: ${cause.message}`;
    return problem(status, code, `The request body is not valid JSON: ${cause.message}`, [{ path: '', message }]);
  }
  if (cause?.type === 'entity.too.large' && cause.limit !== undefined) {
    return problem(status, code, `The request body is larger than the limit of ${cause.limit} bytes`);
  }
  const { errors } = exception.getResponse() as { errors?: unknown };
  return problem(status, code, exception.message, Array.isArray(errors) ? (errors as FieldError[]) : []);
}

function problem(status: number, code: string, detail: string, errors: readonly FieldError[] = []): ProblemDetails {
  return {
    type: `urn:license-ledger:problem:${code.toLowerCase().replaceAll('_', '-')}`,
    title: titleOf(code),
    status,
    detail,
    code,
    ...(errors.length > 0 ? { errors } : {}),
  };
}

/** `LICENSE_QUOTA_EXCEEDED` → `License quota exceeded`. */
function titleOf(code: string): string {
  return code.charAt(0) + code.slice(1).toLowerCase().replaceAll('_', ' ');
}
