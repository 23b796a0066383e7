import { Inject, Injectable, Optional, SetMetadata, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Gauge, Counter } from 'prom-client';
import { defer, finalize, type Observable } from 'rxjs';
import { serviceConfig, type LedgerConfig } from '../../../../libs/platform/src/config.js';
import { LEDGER_CONFIG } from '../../../../libs/platform/src/tokens.js';
import { LedgerMetrics } from '../../../../libs/ledger/src/ledger-metrics.js';
import type { ApiRequest } from '../http-request.js';
import { LimitExceeded } from './limit-errors.js';

/** Seconds a refused replay is told to wait: replays take seconds, not minutes. */
export const BUSY_RETRY_AFTER_SECONDS = 2;

/** Whether a request to a marked route replays history (default: always); e.g. only with `asOf`. */
export type ReplayPredicate = (request: ApiRequest & { readonly query?: Record<string, unknown> }) => boolean;

const REPLAYS_HISTORY = 'ledger:replays-history';

/**
 * Marks a route whose requests replay the account's history (as-of, explain, verify, what-if,
 * back-tests: SPEC §6): they are admitted up to `REPLAY_CONCURRENCY` at once per process, beyond
 * that 503 `BUSY` with `Retry-After`, so they never starve the plain reports.
 *
 *     @Get('reports/what-if') @ReplaysHistory() whatIf(…)
 *     @Get(':name') @ReplaysHistory((req) => req.query?.asOf !== undefined) report(…)
 */
export const ReplaysHistory = (when: ReplayPredicate = () => true) => SetMetadata(REPLAYS_HISTORY, when);

/** How many replays run now; a slot is taken or refused at once, never queued. */
@Injectable()
export class ReplayAdmission {
  readonly limit: number;
  #running = 0;
  readonly #inFlight?: Gauge;
  readonly #refused?: Counter;

  constructor(@Optional() @Inject(LEDGER_CONFIG) config?: LedgerConfig, @Optional() metrics?: LedgerMetrics) {
    this.limit = serviceConfig(config ?? {}).replayConcurrency;
    if (metrics) {
      this.#inFlight = new Gauge({
        name: 'ledger_replays_in_flight',
        help: 'Requests replaying history being served now',
        registers: [metrics.registry],
      });
      this.#refused = new Counter({
        name: 'ledger_replays_refused_total',
        help: 'Requests replaying history refused 503 BUSY (REPLAY_CONCURRENCY reached)',
        registers: [metrics.registry],
      });
    }
  }

  get running(): number {
    return this.#running;
  }

  /** A slot for one replay, released by the returned function; BUSY when all are taken. */
  admit(): () => void {
    if (this.#running >= this.limit) {
      this.#refused?.inc();
      throw new LimitExceeded(
        503,
        'BUSY',
        `${this.limit} requests replaying history are being served (REPLAY_CONCURRENCY); retry in ${BUSY_RETRY_AFTER_SECONDS} s`,
        BUSY_RETRY_AFTER_SECONDS,
      );
    }
    this.#running++;
    this.#inFlight?.set(this.#running);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#running--;
      this.#inFlight?.set(this.#running);
    };
  }
}

/** Admits the requests of routes marked `@ReplaysHistory` (global interceptor, after the guards). */
@Injectable()
export class ReplayAdmissionInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly admission: ReplayAdmission,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const when = this.reflector.get<ReplayPredicate | undefined>(REPLAYS_HISTORY, context.getHandler());
    if (context.getType() !== 'http' || when === undefined || !when(context.switchToHttp().getRequest())) return next.handle();
    return defer(() => {
      const release = this.admission.admit();
      return next.handle().pipe(finalize(release));
    });
  }
}
