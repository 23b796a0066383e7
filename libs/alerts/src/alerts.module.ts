import { Inject, Injectable, Logger, Module, type DynamicModule, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import type { LedgerDatabase } from '../../database/src/ledger-database.js';
import { DEFAULT_WEBHOOK_CONFIG, type LedgerConfig } from '../../platform/src/config.js';
import { LEDGER_CONFIG, LEDGER_DATABASE } from '../../platform/src/tokens.js';
import { WebhookDeliverer } from '../../webhooks/src/webhook-deliverer.js';
import { WebhookSecretVault } from '../../webhooks/src/webhook-secret-vault.js';
import type { WebhookTables } from '../../webhooks/src/webhook-tables.js';
import {
  AlertHandler,
  AlertRulesHandler,
  AlertsHandler,
  AlertsService,
  DeliveriesHandler,
  ExplainAlertHandler,
  WebhooksHandler,
} from './alerts.service.js';

export interface AlertsModuleOptions {
  /** Deliver the webhook outbox from this process (where the projections run). */
  readonly deliver: boolean;
}

const ALERTS_OPTIONS = 'ALERTS_OPTIONS';

/** Starts the deliverer with the application (if this process delivers) and stops it before the database closes. */
@Injectable()
class DeliveryLifecycle implements OnApplicationBootstrap, OnModuleDestroy {
  constructor(
    private readonly deliverer: WebhookDeliverer,
    @Inject(ALERTS_OPTIONS) private readonly options: AlertsModuleOptions,
  ) {}

  onApplicationBootstrap(): void {
    if (this.options.deliver) this.deliverer.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.deliverer.stop();
  }
}

/**
 * Alerts and webhooks on the QueryBus (rules, alerts, explanations, webhooks, deliveries) and the
 * webhook deliverer. Needs the LedgerModule and the ProjectionsModule (the alert processor's tables).
 */
@Module({})
export class AlertsModule {
  static forRoot(options: AlertsModuleOptions): DynamicModule {
    return {
      module: AlertsModule,
      imports: [CqrsModule.forRoot()],
      providers: [
        { provide: ALERTS_OPTIONS, useValue: options },
        AlertsService,
        AlertRulesHandler,
        AlertsHandler,
        AlertHandler,
        ExplainAlertHandler,
        WebhooksHandler,
        DeliveriesHandler,
        {
          provide: WebhookDeliverer,
          inject: [LEDGER_DATABASE, WebhookSecretVault, LEDGER_CONFIG],
          useFactory: (database: LedgerDatabase, vault: WebhookSecretVault, config: LedgerConfig) => {
            const webhooks = config.webhooks ?? DEFAULT_WEBHOOK_CONFIG;
            return new WebhookDeliverer(
              database.kysely<WebhookTables>(),
              vault,
              {
                allowHttp: webhooks.allowHttp,
                allowPrivate: webhooks.allowPrivate,
                retryInitialMs: webhooks.retryInitialSeconds * 1000,
                timeoutMs: webhooks.timeoutSeconds * 1000,
              },
              new Logger('Webhooks'),
              (channel, onNotification) => database.listen(channel, onNotification),
            );
          },
        },
        DeliveryLifecycle,
      ],
      exports: [AlertsService, WebhookDeliverer],
    };
  }
}
