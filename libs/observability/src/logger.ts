import { AsyncLocalStorage } from 'node:async_hooks';
import { pino, type DestinationStream, type Logger } from 'pino';
import { PinoPretty } from 'pino-pretty';
import type { ServiceConfig } from '../../platform/src/config.js';

export type { Logger } from 'pino';

/** What every log line written while handling one request, or running one CLI command, carries. */
export interface LogScope {
  /** `reqId` of an HTTP request (its `X-Request-Id`), or of one `ledger` command. */
  readonly reqId: string;
}

const scope = new AsyncLocalStorage<LogScope>();

/** Runs `work` with every log line written meanwhile (here and in what it calls) tagged with `reqId`. */
export function withLogScope<T>(log: LogScope, work: () => T): T {
  return scope.run(log, work);
}

/** The request id being handled, if any. */
export function currentRequestId(): string | undefined {
  return scope.getStore()?.reqId;
}

/**
 * The process's logger: JSON lines (one object each, for log collectors) or, for people at a
 * terminal, pretty lines; `LOG_FORMAT` decides, else whether the output is a terminal. Written to
 * stderr, synchronously, so that a command's stdout carries only its output and nothing is lost at exit.
 */
export function createLogger(
  service: Pick<ServiceConfig, 'logLevel' | 'logFormat'>,
  options: { name?: string; destination?: DestinationStream } = {},
): Logger {
  const pretty = service.logFormat === 'pretty' || (service.logFormat === undefined && process.stderr.isTTY === true);
  const settings = {
    level: service.logLevel,
    name: options.name ?? 'ledger',
    base: { pid: process.pid },
    mixin: () => scope.getStore() ?? {},
  };
  if (options.destination) return pino(settings, options.destination);
  return pretty
    ? pino(
        settings,
        PinoPretty({ destination: 2, sync: true, colorize: process.stderr.isTTY === true, ignore: 'pid,hostname', translateTime: 'SYS:HH:MM:ss.l' }),
      )
    : pino(settings, pino.destination({ dest: 2, sync: true }));
}
