import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pinoHttp } from 'pino-http';
import { Counter, Histogram, type Registry } from 'prom-client';
import { withLogScope, type Logger } from '../../../libs/observability/src/logger.js';

/** What the HTTP layer adds to a request: its id (`X-Request-Id`), in every log line written meanwhile. */
export interface IdentifiedRequest extends IncomingMessage {
  readonly route?: { readonly path?: unknown };
  readonly baseUrl?: string;
}

type Middleware = (req: IdentifiedRequest, res: ServerResponse, next: (error?: unknown) => void) => void;

export const REQUEST_ID_HEADER = 'x-request-id';
/** A client's own request id is kept if it looks like one (ids, UUIDs, trace ids), else a new one is made. */
const CLIENT_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The id of the request: the client's `X-Request-Id` if sane, else a new UUID; echoed in the answer's `X-Request-Id`. */
export function requestIds(): Middleware {
  return (req, res, next) => {
    const given = req.headers[REQUEST_ID_HEADER];
    const id = typeof given === 'string' && CLIENT_REQUEST_ID.test(given) ? given : randomUUID();
    req.id = id;
    res.setHeader('X-Request-Id', id);
    withLogScope({ reqId: id }, () => next());
  };
}

/** The request id the `requestIds` middleware gave `request` (absent where it does not run: tests of controllers alone). */
export function requestIdOf(request: IncomingMessage): string | undefined {
  const id: unknown = request.id;
  return typeof id === 'string' ? id : undefined;
}

/** One log line per request when it ends: method, URL, status, time; errors (5xx) at level error, 4xx at warn. */
export function requestLog(logger: Logger): Middleware {
  return pinoHttp({
    logger,
    genReqId: (req) => requestIdOf(req) ?? randomUUID(),
    // The scope (logger mixin) already carries reqId.
    quietReqLogger: true,
    customAttributeKeys: { reqId: 'reqId' },
    customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
    serializers: {
      req: (req: { method?: string; url?: string }) => ({ method: req.method, url: req.url }),
      res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
    },
  }) as Middleware;
}

/**
 * `http_requests_total` and `http_request_duration_seconds` by method, route (the matched route
 * path, so ids do not multiply the series) and status code, beside the ledger's metrics on /metrics.
 */
export function httpMetrics(registry: Registry): Middleware {
  const labelNames = ['method', 'route', 'status_code'] as const;
  const requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests answered, by method, route and status code',
    labelNames,
    registers: [registry],
  });
  const seconds = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by method, route and status code',
    labelNames,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      const path = req.route?.path;
      const labels = {
        method: req.method ?? 'GET',
        route: typeof path === 'string' ? routeLabel(req, path) : 'unmatched',
        status_code: String(res.statusCode),
      };
      requests.inc(labels);
      seconds.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
    });
    next();
  };
}

/** Express's matched path within its router (`/:name`) joined to the mount path (`/v1/accounts/:accountId/reports`). */
function routeLabel(req: IdentifiedRequest, path: string): string {
  return `${req.baseUrl ?? ''}${path}`;
}
