import { ConsoleLogger, type LogLevel } from '@nestjs/common';

/** Nest's console logger writing only to stderr, so stdout carries nothing but a command's output. */
export class StderrLogger extends ConsoleLogger {
  protected override printMessages(
    messages: unknown[], context?: string, logLevel?: LogLevel, _writeStreamType?: 'stdout' | 'stderr',
    errorStack?: unknown, params?: Record<string, unknown>,
  ): void {
    super.printMessages(messages, context, logLevel, 'stderr', errorStack, params);
  }
}
