import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { serviceConfig, type LedgerConfig } from '../../../libs/ledger/src/config.js';
import { LedgerMetrics } from '../../../libs/ledger/src/ledger-metrics.js';
import { createLogger } from '../../../libs/observability/src/logger.js';
import { PinoNestLogger } from '../../../libs/observability/src/nest-logger.js';
import { AppModule } from './app.module.js';
import { configureApp } from './configure-app.js';
import { consoleAssets, defaultConsoleDirectory } from './console/console-assets.js';

export interface CreateAppOptions {
  /** false: no logs at all (tests); default: the JSON or pretty logs of LOG_LEVEL / LOG_FORMAT. */
  readonly logger?: false;
  /** Run the projections in this process (default: yes). */
  readonly runProjections?: boolean;
  /** The built web console served at `/` (default: `dist/console` of this package). */
  readonly consoleDirectory?: string;
}

/** The HTTP API on the configured ledger, ready to `listen`. */
export async function createApp(config: LedgerConfig, options: CreateAppOptions = {}): Promise<NestExpressApplication> {
  const service = serviceConfig(config);
  const log = options.logger === false ? undefined : createLogger(service);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, { runProjections: options.runProjections ?? true }), {
    bodyParser: false,
    abortOnError: false,
    logger: log ? new PinoNestLogger(log) : false,
  });
  configureApp(app, { service, log, metrics: app.get(LedgerMetrics).registry });
  app.use(consoleAssets(options.consoleDirectory ?? defaultConsoleDirectory()));
  return app;
}
