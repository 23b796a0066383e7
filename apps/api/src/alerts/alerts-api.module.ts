import { Module, type DynamicModule } from '@nestjs/common';
import { AlertsModule } from '../../../../libs/alerts/src/alerts.module.js';
import { CommandSender } from '../command-sender.js';
import { AlertRulesController } from './alert-rules.controller.js';
import { AlertsController } from './alerts.controller.js';
import { WebhooksController } from './webhooks.controller.js';

/** The routes of SPEC §9, on the ledger and the alert processor's tables (so not in ApiModule, which runs on doubles in tests). */
@Module({})
export class AlertsApiModule {
  static forRoot(options: { deliver: boolean }): DynamicModule {
    return {
      module: AlertsApiModule,
      imports: [AlertsModule.forRoot(options)],
      controllers: [AlertRulesController, AlertsController, WebhooksController],
      providers: [CommandSender],
    };
  }
}
