import type { LedgerDatabase } from '../../read-store/src/database.js';
import { createEsdbEventStore } from './esdb/esdb-event-store.js';
import type { EventStore } from './event-store.js';
import { createSqlEventStore } from './sql/sql-event-store.js';

export interface EventStoreConfig {
  /** EVENTSTORE_URL: `esdb://…` (or `esdb+discover://…`) → EventStoreDB. Unset → the SQL database. */
  readonly eventStoreUrl?: string;
  /**
   * EVENTSTORE_STREAM_PREFIX: the ledger's namespace on EventStoreDB (its streams are
   * `<prefix>.<stream>`). Default: the database's schema, so ledgers that share a PostgreSQL server
   * by schema share an EventStoreDB server the same way.
   */
  readonly streamPrefix?: string;
  /** The product's database; holds the events unless EventStoreDB does (creating their tables if missing). */
  readonly database: LedgerDatabase;
}

export async function createEventStore({ eventStoreUrl, streamPrefix, database }: EventStoreConfig): Promise<EventStore> {
  if (!eventStoreUrl) return createSqlEventStore(database);
  if (!/^esdb(\+discover)?:\/\//.test(eventStoreUrl)) {
    const scheme = eventStoreUrl.split(':')[0];
    throw new Error(`EVENTSTORE_URL must start with esdb:// or esdb+discover:// (it starts with "${scheme}:")`);
  }
  return createEsdbEventStore(eventStoreUrl, { streamPrefix: streamPrefix ?? database.schema });
}
