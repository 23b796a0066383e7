import type { ColumnType, Generated } from 'kysely';
import type { EventMetadata } from '../event-store.js';

/** NOTIFY channel on which a store announces its committed appends (append-announcer.ts); readers poll anyway, this only wakes them sooner. */
export const EVENTS_APPENDED_CHANNEL = 'ledger_events_appended';

/**
 * The event store's tables, created by libs/database/src/migrations/0001-event-store.ts. `bigint`
 * and `xid8` columns are read as text (both drivers return bigint as a string); queries cast them.
 */
export interface EventStoreTables {
  /** One row: the log's identity, checkpoints keep it beside their position (migration 0005). */
  event_store: {
    only_row: ColumnType<boolean, never, never>;
    store_id: ColumnType<string, never, never>;
    created_at: ColumnType<Date, never, never>;
  };
  streams: { stream_id: string; revision: ColumnType<string, string, string> };
  events: {
    global_position: Generated<string>;
    transaction_id: Generated<string>;
    stream_id: string;
    stream_revision: ColumnType<string, string, never>;
    event_id: string;
    type: string;
    data: ColumnType<Record<string, unknown>, string, never>;
    metadata: ColumnType<EventMetadata & { recordedAt: string }, string, never>;
    recorded_at: ColumnType<Date, string | undefined, never>;
  };
}
