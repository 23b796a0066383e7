import { Module, type DynamicModule, type INestApplicationContext, type LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CommandGateway } from '../../../libs/ledger/src/command-gateway.js';
import type { LedgerConfig } from '../../../libs/platform/src/config.js';
import { LedgerModule } from '../../../libs/ledger/src/ledger.module.js';
import { ALL_PROJECTIONS } from '../../../projections/catalog.js';
import { ProjectionsModule } from '../../../projections/projections.module.js';
import { AlertsModule } from '../../../libs/alerts/src/alerts.module.js';
import { ExplainModule } from '../../../libs/audit/src/explain/explain.module.js';
import { AsOfAnswersModule } from '../../../libs/audit/src/as-of-answers.js';
import { ReportsModule } from '../../../libs/reports/src/reports.module.js';
import { serviceConfig, type LogLevel as LedgerLogLevel } from '../../../libs/platform/src/config.js';
import { createLogger } from '../../../libs/observability/src/logger.js';
import { PinoNestLogger } from '../../../libs/observability/src/nest-logger.js';

const SEVERITY: readonly LedgerLogLevel[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

/** A one-shot command logs warnings and errors only (its output is the answer); `projections run` what LOG_LEVEL says. */
function levelOf(configured: LedgerLogLevel, levels: LogLevel[] = ['error', 'warn']): LedgerLogLevel {
  const wanted: LedgerLogLevel = levels.includes('log') ? 'info' : 'warn';
  return SEVERITY.indexOf(configured) > SEVERITY.indexOf(wanted) ? configured : wanted;
}

export interface LedgerContextOptions {
  /** Run the projections in this process while `work` runs (default: no). */
  readonly runProjections?: boolean;
  /** What Nest logs, on stderr (default: errors and warnings; with 'log', LOG_LEVEL decides). */
  readonly logLevels?: LogLevel[];
}

@Module({})
class LedgerContextModule {
  static forRoot(config: LedgerConfig, runProjections: boolean): DynamicModule {
    return {
      module: LedgerContextModule,
      imports: [
        LedgerModule.forRoot(config),
        ProjectionsModule.forRoot({ projections: ALL_PROJECTIONS, run: runProjections }),
        ReportsModule,
        ExplainModule,
        AsOfAnswersModule,
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
    logger: new PinoNestLogger(createLogger({ ...serviceConfig(config), logLevel: levelOf(serviceConfig(config).logLevel, options.logLevels) })),
    abortOnError: false,
  });
  try {
    return await work(context.get(CommandGateway), context);
  } finally {
    await context.close();
  }
}
