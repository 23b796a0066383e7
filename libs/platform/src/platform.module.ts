import { Global, Inject, Injectable, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { openDatabase } from '../../database/src/database.js';
import type { LedgerDatabase } from '../../database/src/ledger-database.js';
import { createEventStore } from '../../event-store/src/create-event-store.js';
import type { EventStore } from '../../event-store/src/event-store.js';
import { Clock, SystemClock } from './clock.js';
import type { LedgerConfig } from './config.js';
import { EVENT_STORE, LEDGER_CONFIG, LEDGER_DATABASE } from './tokens.js';

/** Closes the event store, then the database, when the application shuts down. */
@Injectable()
class PlatformResources implements OnApplicationShutdown {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(LEDGER_DATABASE) private readonly database: LedgerDatabase,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
    await this.database.close();
  }
}

/**
 * The infrastructure every side uses, wired once: configuration → database (migrated) → event
 * store, and the clock. Global: the write side (LedgerModule), the projections, reports and audit
 * inject its tokens without importing each other.
 */
@Global()
@Module({})
export class PlatformModule {
  static forRoot(config: LedgerConfig, options: { clock?: Clock } = {}): DynamicModule {
    return {
      module: PlatformModule,
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
          useFactory: (database: LedgerDatabase) =>
            createEventStore({
              eventStoreUrl: config.eventStoreUrl,
              streamPrefix: config.eventStoreStreamPrefix,
              database,
            }),
        },
        PlatformResources,
      ],
      exports: [LEDGER_CONFIG, LEDGER_DATABASE, EVENT_STORE, Clock],
    };
  }
}
