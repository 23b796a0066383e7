import { Global, Module, type DynamicModule, type OnApplicationShutdown, Inject, Injectable } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import type { EventStore } from '../../event-store/src/event-store.js';
import { createEventStore } from '../../event-store/src/create-event-store.js';
import { openDatabase, type LedgerDatabase } from '../../read-store/src/database.js';
import { resolveSecretKey, type SecretKey } from '../../webhooks/src/secret-key.js';
import { WebhookSecretVault } from '../../webhooks/src/webhook-secret-vault.js';
import type { WebhookTables } from '../../webhooks/src/webhook-tables.js';
import { AccountLedger } from './account-ledger.js';
import { Clock, SystemClock } from './clock.js';
import { CommandGateway } from './command-gateway.js';
import { DEFAULT_WEBHOOK_CONFIG, type LedgerConfig } from './config.js';
import { CommandBusGateway, ExecuteLedgerBatchHandler, ExecuteLedgerCommandHandler } from './ledger-commands.js';
import { LedgerMetrics } from './ledger-metrics.js';
import { MeteredEventStore } from './metered-event-store.js';
import { createRejectedCommands } from './rejected-commands.js';
import { SessionReaper } from './session-reaper.js';
import { WebhookRegistration } from './webhook-registration.js';

export const LEDGER_CONFIG = 'LEDGER_CONFIG';
export const LEDGER_DATABASE = 'LEDGER_DATABASE';
export const EVENT_STORE = 'EVENT_STORE';

/** Closes the event store, then the database, when the application shuts down. */
@Injectable()
class LedgerResources implements OnApplicationShutdown {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(LEDGER_DATABASE) private readonly database: LedgerDatabase,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
    await this.database.close();
  }
}

/** The write side: configuration → database → event store → ledger, behind the CommandGateway. */
@Global()
@Module({})
export class LedgerModule {
  static forRoot(config: LedgerConfig, options: { clock?: Clock } = {}): DynamicModule {
    return {
      module: LedgerModule,
      imports: [CqrsModule.forRoot()],
      providers: [
        { provide: LEDGER_CONFIG, useValue: config },
        { provide: Clock, useValue: options.clock ?? new SystemClock() },
        {
          provide: LEDGER_DATABASE,
          useFactory: () => openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, schema: config.databaseSchema }),
        },
        {
          provide: EVENT_STORE,
          inject: [LEDGER_DATABASE],
          useFactory: (database: LedgerDatabase) => createEventStore({
            eventStoreUrl: config.eventStoreUrl, streamPrefix: config.eventStoreStreamPrefix, database,
          }),
        },
        LedgerMetrics,
        {
          provide: AccountLedger,
          inject: [EVENT_STORE, Clock, LEDGER_DATABASE, LedgerMetrics],
          useFactory: async (store: EventStore, clock: Clock, database: LedgerDatabase, metrics: LedgerMetrics) => new AccountLedger(
            new MeteredEventStore(store, metrics), clock, config.sessionLeaseSeconds * 1000, await createRejectedCommands(database),
          ),
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
        LedgerResources,
      ],
      exports: [
        LEDGER_CONFIG, LEDGER_DATABASE, EVENT_STORE, Clock, CommandGateway, AccountLedger, SessionReaper, LedgerMetrics, WebhookSecretVault,
      ],
    };
  }
}
