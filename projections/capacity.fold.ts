import { sql } from 'kysely';
import { insertRows } from '../libs/database/src/bulk-rows.js';
import {
  isActiveUseEvent,
  isSeatProduct,
  isSessionProduct,
  sessionDrawsUnit,
  type ActivityActions,
  type LedgerEvent,
} from '../libs/domain/src/index.js';
import { asLedgerEvent, type StoredLedgerEvent } from '../libs/event-store/src/stored-ledger-event.js';
import { CAPACITY_COLUMNS, seatKey, unitKey, type CapacityTables, type SeatRow, type UnitRow } from './capacity.tables.js';
import type { ReadModelDb } from './engine/read-model-db.js';
import { accountOf, occurredAt } from './projection.js';
import { keyOf } from './shared/versioned-rows.js';

/** One batch folded in memory, then written set-wise. */
export class CapacityBatch {
  private readonly units = new Map<string, UnitRow>();
  private readonly touchedUnits = new Set<UnitRow>();
  private readonly seats = new Map<string, SeatRow>();
  private readonly touchedSeats = new Set<SeatRow>();
  private readonly denials: CapacityTables['capacity_denials'][] = [];
  private readonly poolChanges: CapacityTables['capacity_pool_changes'][] = [];
  private readonly moves: CapacityTables['capacity_user_moves'][] = [];
  private readonly activity = new Map<string, CapacityTables['capacity_activity']>();

  constructor(private readonly actions: ActivityActions) {}

  run(events: readonly StoredLedgerEvent[], userOrgs: Map<string, string>, openUnits: readonly UnitRow[], openSeats: readonly SeatRow[]): void {
    for (const row of openUnits) this.units.set(unitKey(row.account_id, row.product, row.kind, row.unit_id), row);
    for (const row of openSeats) this.seats.set(seatKey(row.account_id, row.product, row.user_id), row);
    const orgOf = (account_id: string, userId: string): string => {
      const orgId = userOrgs.get(keyOf(account_id, userId));
      if (orgId === undefined) throw new Error(`capacity projection: user '${userId}' of account '${account_id}' is not registered`);
      return orgId;
    };
    for (const stored of events) {
      const e = asLedgerEvent(stored);
      const account_id = accountOf(stored);
      const at = occurredAt(stored);
      const seq = Number(stored.streamRevision);
      switch (e.type) {
        case 'UserRegistered':
          userOrgs.set(keyOf(account_id, e.data.userId), e.data.orgId);
          break;
        case 'UserMoved':
          this.moves.push({ account_id, user_id: e.data.userId, seq, at, from_org_id: orgOf(account_id, e.data.userId), org_id: e.data.orgId });
          userOrgs.set(keyOf(account_id, e.data.userId), e.data.orgId);
          break;
        case 'LicensesPurchased':
          this.poolChanges.push({
            account_id,
            product: e.data.product,
            seq,
            at,
            kind: 'purchased',
            purchase_id: e.data.purchaseId,
            org_id: null,
            quantity: e.data.quantity,
            starts_at: Date.parse(e.data.startsAt),
            expires_at: Date.parse(e.data.expiresAt),
          });
          break;
        case 'PurchaseAmended':
          this.poolChanges.push({
            account_id,
            product: e.data.product,
            seq,
            at,
            kind: 'amended',
            purchase_id: e.data.purchaseId,
            org_id: null,
            quantity: e.data.quantity,
            starts_at: null,
            expires_at: Date.parse(e.data.expiresAt),
          });
          break;
        case 'LicensesDedicated':
          this.poolChanges.push({
            account_id,
            product: e.data.product,
            seq,
            at,
            kind: 'dedicated',
            purchase_id: null,
            org_id: e.data.orgId,
            quantity: e.data.quantity,
            starts_at: null,
            expires_at: null,
          });
          break;
        case 'SessionStarted':
          if (isSessionProduct(e.data.product)) {
            this.startUnit({
              account_id,
              product: e.data.product,
              kind: 'session',
              unit_id: e.data.sessionId,
              user_id: e.data.userId,
              org_id: orgOf(account_id, e.data.userId),
              draws_unit: sessionDrawsUnit(e.data.product, e.data.licenseType),
              started_at: at,
              start_seq: seq,
              last_seen: at,
              ended_at: null,
              end_seq: null,
            });
          }
          this.activityOf(e, account_id, at, seq);
          break;
        case 'SessionHeartbeatRecorded': {
          const row = this.units.get(unitKey(account_id, e.data.product, 'session', e.data.sessionId));
          if (row && row.ended_at === null) {
            row.last_seen = Math.max(Number(row.last_seen), at);
            this.touchedUnits.add(row);
          }
          break;
        }
        case 'SessionEnded':
        case 'SessionExpired':
          this.endUnit(unitKey(account_id, e.data.product, 'session', e.data.sessionId), Date.parse(e.data.endedAt), seq);
          break;
        case 'SessionDenied':
          this.denials.push({
            account_id,
            product: e.data.product,
            at,
            seq,
            attempt_id: e.data.sessionId,
            user_id: e.data.userId,
            org_id: orgOf(account_id, e.data.userId),
          });
          break;
        case 'OfflineLicenseGenerated':
          if (isSessionProduct(e.data.product)) {
            this.startUnit({
              account_id,
              product: e.data.product,
              kind: 'offline',
              unit_id: e.data.machineId,
              user_id: e.data.userId,
              org_id: orgOf(account_id, e.data.userId),
              draws_unit: true,
              started_at: at,
              start_seq: seq,
              last_seen: at,
              ended_at: Date.parse(e.data.expiresAt),
              end_seq: null,
            });
          }
          break;
        case 'ApplicationActivated':
          this.startUnit({
            account_id,
            product: 'TRUETEST',
            kind: 'application',
            unit_id: e.data.applicationId,
            user_id: null,
            org_id: null,
            draws_unit: true,
            started_at: at,
            start_seq: seq,
            last_seen: at,
            ended_at: null,
            end_seq: null,
          });
          break;
        case 'ApplicationReleased':
          this.endUnit(unitKey(account_id, 'TRUETEST', 'application', e.data.applicationId), at, seq);
          break;
        case 'ApplicationDenied':
          this.denials.push({ account_id, product: 'TRUETEST', at, seq, attempt_id: e.data.applicationId, user_id: null, org_id: null });
          break;
        case 'SeatAssigned': {
          const row: SeatRow = {
            account_id,
            product: e.data.product,
            user_id: e.data.userId,
            assigned_at: at,
            assign_seq: seq,
            unassigned_at: null,
            unassign_seq: null,
            activated_at: null,
            activate_seq: null,
          };
          this.seats.set(seatKey(account_id, e.data.product, e.data.userId), row);
          this.touchedSeats.add(row);
          break;
        }
        case 'SeatUnassigned': {
          const key = seatKey(account_id, e.data.product, e.data.userId);
          const row = this.seats.get(key);
          if (!row) break;
          row.unassigned_at = at;
          row.unassign_seq = seq;
          this.seats.delete(key);
          this.touchedSeats.add(row);
          break;
        }
        case 'SeatActivated': {
          const row = this.seats.get(seatKey(account_id, e.data.product, e.data.userId));
          if (!row || row.activated_at !== null) break;
          row.activated_at = at;
          row.activate_seq = seq;
          this.touchedSeats.add(row);
          break;
        }
        case 'UserLoggedIn':
        case 'UserActivityRecorded':
          this.activityOf(e, account_id, at, seq);
          break;
        default:
          break;
      }
    }
  }

  /** A qualifying use of a seat product (`isActiveUseEvent`), one row per user, product and instant. */
  private activityOf(e: LedgerEvent, account_id: string, at: number, seq: number): void {
    if (!isActiveUseEvent(e, this.actions) || !isSeatProduct(e.data.product)) return;
    const key = keyOf(account_id, e.data.product, e.data.userId, String(at));
    if (!this.activity.has(key)) this.activity.set(key, { account_id, product: e.data.product, user_id: e.data.userId, at, seq });
  }

  private startUnit(row: UnitRow): void {
    this.units.set(unitKey(row.account_id, row.product, row.kind, row.unit_id), row);
    this.touchedUnits.add(row);
  }

  /** The first recorded end of a unit (a later SessionExpired of an ended session changes nothing). */
  private endUnit(key: string, endedAt: number, seq: number): void {
    const row = this.units.get(key);
    if (!row || row.ended_at !== null) return;
    row.ended_at = endedAt;
    row.end_seq = seq;
    this.units.delete(key);
    this.touchedUnits.add(row);
  }

  async write(db: ReadModelDb<CapacityTables>): Promise<void> {
    await insertRows(db.kysely, db.table('capacity_units'), CAPACITY_COLUMNS.capacity_units, [...this.touchedUnits], {
      conflict: sql`ON CONFLICT (account_id, product, kind, unit_id, started_at) DO UPDATE
        SET last_seen = excluded.last_seen, ended_at = excluded.ended_at, end_seq = excluded.end_seq`,
    });
    await insertRows(db.kysely, db.table('capacity_seats'), CAPACITY_COLUMNS.capacity_seats, [...this.touchedSeats], {
      conflict: sql`ON CONFLICT (account_id, product, user_id, assigned_at) DO UPDATE
        SET unassigned_at = excluded.unassigned_at, unassign_seq = excluded.unassign_seq,
          activated_at = excluded.activated_at, activate_seq = excluded.activate_seq`,
    });
    await insertRows(db.kysely, db.table('capacity_denials'), CAPACITY_COLUMNS.capacity_denials, this.denials);
    await insertRows(db.kysely, db.table('capacity_pool_changes'), CAPACITY_COLUMNS.capacity_pool_changes, this.poolChanges);
    await insertRows(db.kysely, db.table('capacity_user_moves'), CAPACITY_COLUMNS.capacity_user_moves, this.moves);
    await insertRows(db.kysely, db.table('capacity_activity'), CAPACITY_COLUMNS.capacity_activity, [...this.activity.values()], {
      conflict: sql`ON CONFLICT DO NOTHING`,
    });
  }
}
