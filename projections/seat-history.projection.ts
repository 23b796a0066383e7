import type { Kysely } from 'kysely';
import type { StoredLedgerEvent } from '../libs/event-store/src/stored-ledger-event.js';
import type { ReadModelDb } from './engine/read-model-db.js';
import type { Projection } from './projection.js';
import { applyDirectoryEvents, createDirectoryTables, USER_DIRECTORY_EVENT_TYPES, type UserDirectoryTables } from './shared/directory-tables.js';
import { applyPoolVersionEvents, createPoolVersionTables, POOL_VERSION_EVENT_TYPES, type PoolVersionTables } from './shared/pool-versions.js';
import { applySeatSpanEvents, createSeatSpanTables, SEAT_SPAN_EVENT_TYPES, type SeatSpanTables } from './shared/seat-spans.js';

export type SeatHistoryTables = UserDirectoryTables & PoolVersionTables & SeatSpanTables;

/**
 * `seat-history` (SPEC §4.1): purchases, dedications and seats as intervals over business time, so the
 * report counts purchased / assigned / activated at every bucket end with SQL, never by replaying.
 */
export class SeatHistoryProjection implements Projection<SeatHistoryTables> {
  readonly name = 'seat-history';
  /** 2: instants as epoch milliseconds (bigint), like every read model. */
  readonly version = 2;
  /** Its tables are keyed by account and each account folds on its own: projector processes may share it. */
  readonly partitionable = true;
  /** Depends on none of the configured rules (the lease is applied when reports are read). */
  readonly rules = [] as const;
  readonly eventTypes: ReadonlySet<string> = new Set([...USER_DIRECTORY_EVENT_TYPES, ...POOL_VERSION_EVENT_TYPES, ...SEAT_SPAN_EVENT_TYPES]);

  readonly migrations = {
    'v2-tables': {
      async up(db: Kysely<unknown>): Promise<void> {
        await createDirectoryTables(db, 'users');
        await createPoolVersionTables(db);
        await createSeatSpanTables(db);
      },
    },
  };

  async apply(db: ReadModelDb<SeatHistoryTables>, events: readonly StoredLedgerEvent[]): Promise<void> {
    // Seat spans first: they read users' organizations as they stood before the batch.
    await applySeatSpanEvents(db.part<SeatSpanTables & UserDirectoryTables>(), events);
    await applyPoolVersionEvents(db.part<PoolVersionTables>(), events);
    await applyDirectoryEvents(db.part<UserDirectoryTables>(), events);
  }
}

export const seatHistoryProjection = new SeatHistoryProjection();
