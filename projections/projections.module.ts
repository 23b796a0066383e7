import {
  Global,
  Inject,
  Injectable,
  Logger,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
  type OnModuleInit,
  type Type,
} from '@nestjs/common';
import { DiscoveryModule, DiscoveryService } from '@nestjs/core';
import type { EventStore } from '../libs/event-store/src/event-store.js';
import type { LedgerConfig } from '../libs/platform/src/config.js';
import { EVENT_STORE, LEDGER_CONFIG, LEDGER_DATABASE } from '../libs/platform/src/tokens.js';
import type { LedgerDatabase } from '../libs/database/src/database.js';
import { ProjectionEngine } from './engine/projection-engine.js';
import { ProjectionReader } from './engine/projection-reader.js';
import { LEDGER_PROJECTION_KEY, LedgerProjection } from './ledger-projection.decorator.js';
import type { Projection, ProjectionContext } from './projection.js';

export interface ProjectionsModuleOptions {
  /** Projection classes to provide; they are marked as projections here, with or without the decorator. */
  readonly projections: readonly Type<Projection>[];
  /** Run the projections in this process: from application bootstrap until shutdown. */
  readonly run: boolean;
}

const PROJECTIONS_OPTIONS = 'PROJECTIONS_OPTIONS';

/** The rules projections are folded by, from the configuration. */
export function projectionContext(config: LedgerConfig): ProjectionContext {
  return { leaseMs: config.sessionLeaseSeconds * 1000, activityActions: config.activityActions ?? null };
}

/** Registers the discovered projections with the engine; starts and stops it with the application. */
@Injectable()
class ProjectionsLifecycle implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  constructor(
    private readonly engine: ProjectionEngine,
    private readonly discovery: DiscoveryService,
    @Inject(PROJECTIONS_OPTIONS) private readonly options: ProjectionsModuleOptions,
  ) {}

  onModuleInit(): void {
    for (const provider of this.discovery.getProviders({ metadataKey: LEDGER_PROJECTION_KEY })) {
      if (provider.instance) this.engine.register(provider.instance as Projection);
    }
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.options.run) await this.engine.start();
  }

  /** Before the LedgerModule closes the store and the database (on application shutdown). */
  async onModuleDestroy(): Promise<void> {
    await this.engine.stop();
  }
}

/**
 * The projection engine and the ProjectionReader, over the LedgerModule's database and event store.
 * Global, so report handlers inject ProjectionReader without importing this module.
 */
@Global()
@Module({})
export class ProjectionsModule {
  static forRoot(options: ProjectionsModuleOptions): DynamicModule {
    for (const projection of options.projections) LedgerProjection()(projection);
    return {
      module: ProjectionsModule,
      imports: [DiscoveryModule],
      providers: [
        ...options.projections,
        { provide: PROJECTIONS_OPTIONS, useValue: options },
        {
          provide: ProjectionEngine,
          inject: [LEDGER_DATABASE, EVENT_STORE, LEDGER_CONFIG],
          useFactory: (db: LedgerDatabase, store: EventStore, config: LedgerConfig) =>
            new ProjectionEngine({
              db,
              store,
              context: projectionContext(config),
              logger: new Logger('Projections'),
              rebuildBatchSize: config.rebuildBatchSize,
              partitions: config.projectorPartitions,
            }),
        },
        { provide: ProjectionReader, inject: [ProjectionEngine], useFactory: (engine: ProjectionEngine) => engine.reader },
        ProjectionsLifecycle,
      ],
      exports: [ProjectionEngine, ProjectionReader],
    };
  }
}
