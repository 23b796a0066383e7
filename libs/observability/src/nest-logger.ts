import type { LoggerService, LogLevel as NestLogLevel } from '@nestjs/common';
import type { Logger } from './logger.js';

/**
 * Nest's logging (bootstrap, `new Logger(context).log(…)` anywhere in the app) into the process's pino
 * logger, with the Nest context as `context` and the request id of the request being handled.
 */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, ...rest: unknown[]): void {
    this.#write('info', message, rest);
  }

  error(message: unknown, ...rest: unknown[]): void {
    // Nest passes (message, stack?, context?).
    const [stack, context] = rest.length >= 2 ? rest : [undefined, rest[0]];
    const fields = { context: typeof context === 'string' ? context : undefined, ...(typeof stack === 'string' ? { stack } : {}) };
    if (message instanceof Error) this.logger.error({ ...fields, err: message }, message.message);
    else this.logger.error(fields, text(message));
  }

  warn(message: unknown, ...rest: unknown[]): void {
    this.#write('warn', message, rest);
  }

  debug(message: unknown, ...rest: unknown[]): void {
    this.#write('debug', message, rest);
  }

  verbose(message: unknown, ...rest: unknown[]): void {
    this.#write('trace', message, rest);
  }

  fatal(message: unknown, ...rest: unknown[]): void {
    this.#write('fatal', message, rest);
  }

  setLogLevels(_levels: NestLogLevel[]): void {
    // The level is pino's (LOG_LEVEL).
  }

  #write(level: 'info' | 'warn' | 'debug' | 'trace' | 'fatal', message: unknown, rest: unknown[]): void {
    const context = rest.at(-1);
    this.logger[level]({ context: typeof context === 'string' ? context : undefined }, text(message));
  }
}

function text(message: unknown): string {
  return typeof message === 'string' ? message : message instanceof Error ? message.message : JSON.stringify(message);
}
