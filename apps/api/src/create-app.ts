import type { LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { LedgerConfig } from '../../../libs/ledger/src/config.js';
import { AppModule } from './app.module.js';
import { configureApp } from './configure-app.js';
import { consoleAssets, defaultConsoleDirectory } from './console/console-assets.js';

export interface CreateAppOptions {
  readonly logger?: false | LogLevel[];
  /** Run the projections in this process (default: yes). */
  readonly runProjections?: boolean;
  /** The built web console served at `/` (default: `dist/console` of this package). */
  readonly consoleDirectory?: string;
}

/** The HTTP API on the configured ledger, ready to `listen`. */
export async function createApp(config: LedgerConfig, options: CreateAppOptions = {}): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, { runProjections: options.runProjections ?? true }), {
    bodyParser: false,
    abortOnError: false,
    ...(options.logger !== undefined ? { logger: options.logger } : {}),
  });
  app.use(consoleAssets(options.consoleDirectory ?? defaultConsoleDirectory()));
  return configureApp(app);
}
