/** Error codes of SPEC §3 and the HTTP status each maps to. */
export const ERROR_STATUS = {
  VALIDATION_FAILED: 400,
  NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  ALREADY_ASSIGNED: 409,
  NOT_ASSIGNED: 409,
  SESSION_NOT_OPEN: 409,
  LICENSE_QUOTA_EXCEEDED: 409,
  CONCURRENCY_LIMIT_REACHED: 409,
  MACHINE_QUOTA_EXCEEDED: 409,
  MACHINE_BOUND_OFFLINE: 409,
  DEDICATION_BELOW_USAGE: 409,
  QUOTA_BELOW_USAGE: 409,
  NO_ACTIVE_SUBSCRIPTION: 409,
  OFFLINE_LICENSE_IRREVOCABLE: 409,
  UNITS_HELD: 409,
  OUT_OF_ORDER: 409,
  CONFLICT: 409,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** One bad field: its path (e.g. `quantity`, `expiresAt`) and the rule it broke. */
export interface FieldError {
  readonly path: string;
  readonly message: string;
}

/** A command refused by a rule. Carries the SPEC code; never a stack trace for the caller. */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly errors: readonly FieldError[] = [],
  ) {
    super(message);
    this.name = 'DomainError';
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

export function validationError(path: string, message: string): DomainError {
  return new DomainError('VALIDATION_FAILED', `${path}: ${message}`, [{ path, message }]);
}

export const QUOTA_EXCEEDED_MESSAGE = 'The number of the licenses cannot exceed the license quota';
