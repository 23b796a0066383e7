/**
 * A request refused for the service's sake, not the ledger's (SPEC §6): 429 `RATE_LIMITED` (the key
 * sent too many requests) or 503 `BUSY` (too many history replays at once). Both say when to retry.
 */
export class LimitExceeded extends Error {
  constructor(
    readonly status: 429 | 503,
    readonly code: 'RATE_LIMITED' | 'BUSY',
    message: string,
    /** Whole seconds to wait before trying again (`Retry-After`). */
    readonly retryAfterSeconds: number,
  ) {
    super(message);
    this.name = 'LimitExceeded';
  }
}
