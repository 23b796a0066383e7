import { Global, Module, type DynamicModule } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import type { LedgerDatabase } from '../../database/src/ledger-database.js';
import type { EventStore } from '../../event-store/src/event-store.js';
import { Clock } from '../../platform/src/clock.js';
import { DEFAULT_WEBHOOK_CONFIG, type LedgerConfig } from '../../platform/src/config.js';
import { PlatformModule } from '../../platform/src/platform.module.js';
import { EVENT_STORE, LEDGER_DATABASE } from '../../platform/src/tokens.js';
import { resolveSecretKey, type SecretKey } from '../../webhooks/src/secret-key.js';
import { WebhookSecretVault } from '../../webhooks/src/webhook-secret-vault.js';
import type { WebhookTables } from '../../webhooks/src/webhook-tables.js';
import { AccountLedger } from './account-ledger.js';
import { createAccountSnapshots } from './account-snapshots.js';
import { CommandGateway } from './command-gateway.js';
import { CommandBusGateway, ExecuteLedgerBatchHandler, ExecuteLedgerCommandHandler } from './ledger-commands.js';
import { LedgerMetrics } from './ledger-metrics.js';
import { MeteredEventStore } from './metered-event-store.js';
import { createRejectedCommands } from './rejected-commands.js';
import { SessionReaper } from './session-reaper.js';
import { WebhookRegistration } from './webhook-registration.js';

/** The write side: the platform's event store → ledger, behind the CommandGateway. */
@Global()
@Module({})
export class LedgerModule {
  static forRoot(config: LedgerConfig, options: { clock?: Clock } = {}): DynamicModule {
    return {
      module: LedgerModule,
      imports: [PlatformModule.forRoot(config, options), CqrsModule.forRoot()],
      providers: [
        LedgerMetrics,
        {
          provide: AccountLedger,
          inject: [EVENT_STORE, Clock, LEDGER_DATABASE, LedgerMetrics],
          useFactory: async (store: EventStore, clock: Clock, database: LedgerDatabase, metrics: LedgerMetrics) =>
            new AccountLedger(new MeteredEventStore(store, metrics), clock, config.sessionLeaseSeconds * 1000, createRejectedCommands(database), {
              snapshots: createAccountSnapshots(database, store.storeId),
              everyEvents: config.snapshotEveryEvents,
            }),
        },
        {
          provide: WebhookSecretVault,
          inject: [LEDGER_DATABASE],
          useFactory: (database: LedgerDatabase) => {
            let key: SecretKey | undefined;
            return new WebhookSecretVault(database.kysely<WebhookTables>(), () => (key ??= resolveSecretKey(config)));
          },
        },
        {
          provide: WebhookRegistration,
          inject: [WebhookSecretVault],
          useFactory: (vault: WebhookSecretVault) => new WebhookRegistration(vault, config.webhooks ?? DEFAULT_WEBHOOK_CONFIG),
        },
        ExecuteLedgerCommandHandler,
        ExecuteLedgerBatchHandler,
        { provide: CommandGateway, useClass: CommandBusGateway },
        SessionReaper,
      ],
      exports: [PlatformModule, CommandGateway, AccountLedger, SessionReaper, LedgerMetrics, WebhookSecretVault],
    };
  }
}
