import { Module, type DynamicModule, type INestApplicationContext, type LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CommandGateway } from '../../../libs/ledger/src/command-gateway.js';
import type { LedgerConfig } from '../../../libs/ledger/src/config.js';
import { LedgerModule } from '../../../libs/ledger/src/ledger.module.js';
import { ALL_PROJECTIONS } from '../../../projections/catalog.js';
import { ProjectionsModule } from '../../../projections/projections.module.js';
import { AlertsModule } from '../../../libs/alerts/src/alerts.module.js';
import { ExplainModule } from '../../../libs/audit/src/explain/explain.module.js';
import { ReportsModule } from '../../../libs/reports/src/reports.module.js';
import { StderrLogger } from './stderr-logger.js';

export interface LedgerContextOptions {
  /** Run the projections in this process while `work` runs (default: no). */
  readonly runProjections?: boolean;
  /** What Nest logs, on stderr (default: errors and warnings). */
  readonly logLevels?: LogLevel[];
}

@Module({})
class LedgerContextModule {
  static forRoot(config: LedgerConfig, runProjections: boolean): DynamicModule {
    return {
      module: LedgerContextModule,
      imports: [
        LedgerModule.forRoot(config), ProjectionsModule.forRoot({ projections: ALL_PROJECTIONS, run: runProjections }), ReportsModule, ExplainModule,
        AlertsModule.forRoot({ deliver: runProjections }),
      ],
    };
  }
}

/** Runs `work` against the configured ledger, its projections, reports and explanations (no HTTP server), then closes the store. */
export async function withLedger<T>(
  config: LedgerConfig,
  work: (gateway: CommandGateway, context: INestApplicationContext) => Promise<T>,
  options: LedgerContextOptions = {},
): Promise<T> {
  const context = await NestFactory.createApplicationContext(LedgerContextModule.forRoot(config, options.runProjections ?? false), {
    logger: new StderrLogger({ logLevels: options.logLevels ?? ['error', 'warn'] }),
    abortOnError: false,
  });
  try {
    return await work(context.get(CommandGateway), context);
  } finally {
    await context.close();
  }
}
