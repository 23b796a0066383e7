import { Inject, Injectable, Optional, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { serviceConfig, type LedgerConfig } from '../../../../libs/platform/src/config.js';
import { LEDGER_CONFIG } from '../../../../libs/platform/src/tokens.js';
import { authenticatedKeyOf } from '../auth/authenticated-key.js';
import type { ApiRequest } from '../http-request.js';
import { LimitExceeded } from './limit-errors.js';

/**
 * A token bucket per key: `capacity` requests at once, refilled evenly over `windowMs` (so a key may
 * send `capacity` requests per window on average, in bursts up to `capacity`).
 */
export class TokenBuckets {
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly capacity: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes a token for `key`: 0 if it had one, else the whole seconds until it will. */
  take(key: string): number {
    const now = this.now();
    const refillPerMs = this.capacity / this.windowMs;
    const bucket = this.#buckets.get(key) ?? { tokens: this.capacity, at: now };
    bucket.tokens = Math.min(this.capacity, bucket.tokens + (now - bucket.at) * refillPerMs);
    bucket.at = now;
    this.#buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / refillPerMs / 1000));
  }
}

/**
 * Rate limiting per API key (SPEC §6): beyond `RATE_LIMIT_REQUESTS` per `RATE_LIMIT_WINDOW_SECONDS`,
 * 429 `RATE_LIMITED` with `Retry-After`. Runs after the ApiKeyGuard (registered after it); requests
 * without a key (`/health`, `/metrics`, `/docs`) are not limited.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  readonly #buckets: TokenBuckets | null;

  constructor(@Optional() @Inject(LEDGER_CONFIG) config?: LedgerConfig) {
    const { rateLimitRequests, rateLimitWindowSeconds } = serviceConfig(config ?? {});
    this.#buckets = rateLimitRequests === 0 ? null : new TokenBuckets(rateLimitRequests, rateLimitWindowSeconds * 1000);
  }

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http' || this.#buckets === null) return true;
    const key = authenticatedKeyOf(context.switchToHttp().getRequest<ApiRequest>());
    if (!key) return true;
    const wait = this.#buckets.take(key.keyId);
    if (wait > 0) throw new LimitExceeded(429, 'RATE_LIMITED', `API key ${key.keyId} sent more requests than its limit; retry in ${wait} s`, wait);
    return true;
  }
}
