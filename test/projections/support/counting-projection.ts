import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import type { ReadModelDb } from '../../../projections/engine/read-model-db.js';
import type { StoredEvent } from '../../../libs/event-store/src/event-store.js';
import type { StoredLedgerEvent } from '../../../libs/event-store/src/stored-ledger-event.js';
import type { Projection, RuleName } from '../../../projections/projection.js';

export interface CountTables {
  event_counts: { type: string; count: string | number };
}

export interface CountingOptions {
  readonly name?: string;
  readonly version?: number;
  readonly eventTypes?: readonly string[];
  /** The rules it depends on (default: all). */
  readonly rules?: readonly RuleName[];
  /** Every apply after this many succeeds in writing its counts, then throws (so the writes must roll back). */
  readonly failAfterBatches?: number;
  /** Called at the start of every apply, e.g. to slow a rebuild down. */
  readonly beforeApply?: () => Promise<void>;
  /** The version whose migration changed the tables (adds a table `notes`); default: only version 1's tables. */
  readonly tablesChangedIn?: number;
}

/** Test projection: counts events per type, one upsert per batch. */
export class CountingProjection implements Projection<CountTables> {
  readonly name: string;
  readonly version: number;
  readonly eventTypes: ReadonlySet<string>;
  readonly rules?: readonly RuleName[];
  applied = 0;
  /** It counts events of any type (the tests append 'A', 'B', 'C'), not the ledger's: nothing to decode. */
  readonly decode = (events: readonly StoredEvent[]) => events as unknown as readonly StoredLedgerEvent[];

  constructor(private readonly options: CountingOptions = {}) {
    this.name = options.name ?? 'counter';
    this.version = options.version ?? 1;
    this.eventTypes = new Set(options.eventTypes ?? ['A', 'B']);
    this.rules = options.rules;
    const changed = options.tablesChangedIn;
    this.migrations = {
      'v1-tables': {
        async up(db: Kysely<unknown>): Promise<void> {
          await db.schema
            .createTable('event_counts')
            .addColumn('type', 'text', (c) => c.primaryKey())
            .addColumn('count', 'bigint', (c) => c.notNull())
            .execute();
        },
      },
      ...(changed === undefined
        ? {}
        : {
            [`v${changed}-notes`]: { up: (db: Kysely<unknown>) => db.schema.createTable('notes').addColumn('note', 'text').execute() },
          }),
    };
  }

  readonly migrations: Readonly<Record<string, Migration>>;

  async apply({ kysely: trx }: ReadModelDb<CountTables>, events: readonly StoredEvent[]): Promise<void> {
    await this.options.beforeApply?.();
    const counts = new Map<string, number>();
    for (const event of events) counts.set(event.type, (counts.get(event.type) ?? 0) + 1);
    await trx
      .insertInto('event_counts')
      .values([...counts].map(([type, count]) => ({ type, count })))
      .onConflict((conflict) =>
        conflict.column('type').doUpdateSet((eb) => ({
          count: eb(eb.ref('event_counts.count'), '+', eb.ref('excluded.count')),
        })),
      )
      .execute();
    this.applied++;
    if (this.options.failAfterBatches !== undefined && this.applied > this.options.failAfterBatches) {
      throw new Error('the counting projection is broken on purpose');
    }
  }
}
