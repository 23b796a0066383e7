import { Module, type DynamicModule } from '@nestjs/common';
import type { LedgerConfig } from '../../../libs/platform/src/config.js';
import { LedgerModule } from '../../../libs/ledger/src/ledger.module.js';
import { ALL_PROJECTIONS } from '../../../projections/catalog.js';
import { ProjectionsModule } from '../../../projections/projections.module.js';
import { AlertsApiModule } from './alerts/alerts-api.module.js';
import { ApiModule } from './api.module.js';
import { ApiAuthModule } from './auth/api-auth.module.js';
import { LimitsModule } from './limits/limits.module.js';
import { EventsController } from './events.controller.js';
import { HealthController } from './health.controller.js';
import { MetricsController } from './metrics.controller.js';
import { ProjectionsController } from './projections.controller.js';
import { ReplayThreadModule } from '../../replay-thread/replay-thread.module.js';

@Module({})
export class AppModule {
  /** `runProjections`: fold the log in this process too (default), or leave it to `ledger projections run`. */
  static forRoot(config: LedgerConfig, options: { runProjections?: boolean } = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        LedgerModule.forRoot(config),
        ProjectionsModule.forRoot({ projections: ALL_PROJECTIONS, run: options.runProjections ?? true }),
        ApiModule,
        AlertsApiModule.forRoot({ deliver: options.runProjections ?? true }),
        ApiAuthModule.forRoot(),
        LimitsModule,
        ReplayThreadModule,
      ],
      // These read the store, the database or the engine directly (ApiModule runs on doubles in tests).
      controllers: [ProjectionsController, EventsController, HealthController, MetricsController],
    };
  }
}
