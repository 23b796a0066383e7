import type { StoredLedgerEvent } from '../libs/event-store/src/stored-ledger-event.js';
import { CapacityBatch } from './capacity.fold.js';
import { loadOpenSeats, loadOpenUnits, seatsBefore, unitsBefore, usersBefore } from './capacity.preload.js';
import { createCapacityTables, type CapacityTables } from './capacity.tables.js';
import type { ReadModelDb } from './engine/read-model-db.js';
import type { Projection, ProjectionContext } from './projection.js';
import { loadUserOrgs } from './shared/batch-directory.js';
import { applyDirectoryEvents, USER_DIRECTORY_EVENT_TYPES, type UserDirectoryTables } from './shared/directory-tables.js';

export type { CapacityTables, UnitKind } from './capacity.tables.js';

const CAPACITY_EVENT_TYPES = [
  'LicensesPurchased',
  'PurchaseAmended',
  'LicensesDedicated',
  'SeatAssigned',
  'SeatUnassigned',
  'SeatActivated',
  'UserLoggedIn',
  'UserActivityRecorded',
  'SessionStarted',
  'SessionHeartbeatRecorded',
  'SessionEnded',
  'SessionExpired',
  'SessionDenied',
  'OfflineLicenseGenerated',
  'ApplicationActivated',
  'ApplicationReleased',
  'ApplicationDenied',
] as const;

/**
 * `capacity` — what the capacity answers of SPEC §8 read (what-if, idle seats, reclaim back-test,
 * denials, forecast): its tables (capacity.tables.ts), what a batch loads first (capacity.preload.ts)
 * and how it is folded and written (capacity.fold.ts).
 */
export class CapacityProjection implements Projection<CapacityTables> {
  readonly name = 'capacity';
  readonly version = 1;
  /** Its tables are keyed by account and each account folds on its own: projector processes may share it. */
  readonly partitionable = true;
  /** Which activity counts decides `capacity_activity`; the lease is applied when reports are read. */
  readonly rules = ['activityActions'] as const;
  readonly eventTypes: ReadonlySet<string> = new Set<string>([...USER_DIRECTORY_EVENT_TYPES, ...CAPACITY_EVENT_TYPES]);

  readonly migrations = { 'v1-tables': { up: createCapacityTables } };

  async apply(db: ReadModelDb<CapacityTables>, events: readonly StoredLedgerEvent[], context: ProjectionContext): Promise<void> {
    const fold = new CapacityBatch(context.activityActions);
    // Organizations of users as stored before the batch, for the users it refers to before registering or moving them.
    const userOrgs = await loadUserOrgs(db.part<UserDirectoryTables>(), usersBefore(events));
    const units = await loadOpenUnits(db.kysely, unitsBefore(events));
    const seats = await loadOpenSeats(db.kysely, seatsBefore(events));
    await applyDirectoryEvents(db.part<UserDirectoryTables>(), events);
    fold.run(events, userOrgs, units, seats);
    await fold.write(db);
  }
}

export const capacityProjection = new CapacityProjection();
