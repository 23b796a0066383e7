import { sql, type Kysely } from 'kysely';
import { asLedgerEvent, type StoredLedgerEvent } from '../libs/event-store/src/stored-ledger-event.js';
import { seatKey, unitKey, type CapacityTables, type SeatRow, type UnitRef, type UnitRow } from './capacity.tables.js';
import { accountOf } from './projection.js';
import { keyOf } from './shared/versioned-rows.js';

/**
 * What a batch of the `capacity` projection needs from earlier batches, found before it is folded:
 * the organizations of users it refers to, and the open units and seat tenures it ends or extends.
 */

/** Users an event of the batch needs the organization of before the batch registers or moves them. */
export function usersBefore(events: readonly StoredLedgerEvent[]): { account_id: string; user_id: string }[] {
  const placed = new Set<string>();
  const wanted = new Map<string, { account_id: string; user_id: string }>();
  for (const stored of events) {
    const e = asLedgerEvent(stored);
    const account_id = accountOf(stored);
    switch (e.type) {
      case 'UserRegistered':
        placed.add(keyOf(account_id, e.data.userId));
        break;
      case 'UserMoved':
      case 'SessionStarted':
      case 'SessionDenied':
      case 'OfflineLicenseGenerated': {
        const key = keyOf(account_id, e.data.userId);
        if (!placed.has(key)) wanted.set(key, { account_id, user_id: e.data.userId });
        if (e.type === 'UserMoved') placed.add(key);
        break;
      }
      default:
        break;
    }
  }
  return [...wanted.values()];
}

/** Sessions and applications the batch ends or extends that started in an earlier batch. */
export function unitsBefore(events: readonly StoredLedgerEvent[]): UnitRef[] {
  const started = new Set<string>();
  const wanted = new Map<string, UnitRef>();
  for (const stored of events) {
    const e = asLedgerEvent(stored);
    const account_id = accountOf(stored);
    switch (e.type) {
      case 'SessionStarted':
        started.add(unitKey(account_id, e.data.product, 'session', e.data.sessionId));
        break;
      case 'ApplicationActivated':
        started.add(unitKey(account_id, 'TRUETEST', 'application', e.data.applicationId));
        break;
      case 'SessionHeartbeatRecorded':
      case 'SessionEnded':
      case 'SessionExpired': {
        const key = unitKey(account_id, e.data.product, 'session', e.data.sessionId);
        if (!started.has(key)) wanted.set(key, { account_id, product: e.data.product, kind: 'session', unit_id: e.data.sessionId });
        break;
      }
      case 'ApplicationReleased': {
        const key = unitKey(account_id, 'TRUETEST', 'application', e.data.applicationId);
        if (!started.has(key)) wanted.set(key, { account_id, product: 'TRUETEST', kind: 'application', unit_id: e.data.applicationId });
        started.delete(key);
        break;
      }
      default:
        break;
    }
  }
  return [...wanted.values()];
}

/** Seats the batch unassigns or activates that were assigned in an earlier batch. */
export function seatsBefore(events: readonly StoredLedgerEvent[]): { account_id: string; product: string; user_id: string }[] {
  const assigned = new Set<string>();
  const wanted = new Map<string, { account_id: string; product: string; user_id: string }>();
  for (const stored of events) {
    const e = asLedgerEvent(stored);
    const account_id = accountOf(stored);
    switch (e.type) {
      case 'SeatAssigned':
        assigned.add(seatKey(account_id, e.data.product, e.data.userId));
        break;
      case 'SeatUnassigned':
      case 'SeatActivated': {
        const key = seatKey(account_id, e.data.product, e.data.userId);
        if (!assigned.has(key)) wanted.set(key, { account_id, product: e.data.product, user_id: e.data.userId });
        if (e.type === 'SeatUnassigned') assigned.add(key);
        break;
      }
      default:
        break;
    }
  }
  return [...wanted.values()];
}

/** The open rows of the given units (a session or an application has at most one open at a time). */
export async function loadOpenUnits(trx: Kysely<CapacityTables>, refs: readonly UnitRef[]): Promise<UnitRow[]> {
  const rows: UnitRow[] = [];
  for (let i = 0; i < refs.length; i += 1000) {
    const chunk = refs.slice(i, i + 1000);
    const k = sql<UnitRef>`unnest(${chunk.map((r) => r.account_id)}::text[], ${chunk.map((r) => r.product)}::text[],
      ${chunk.map((r) => r.kind)}::text[], ${chunk.map((r) => r.unit_id)}::text[])`.as<'k'>(sql`k(account_id, product, kind, unit_id)`);
    rows.push(
      ...(await trx
        .selectFrom('capacity_units as u')
        .innerJoin(k, (j) =>
          j
            .onRef('k.account_id', '=', 'u.account_id')
            .onRef('k.product', '=', 'u.product')
            .onRef('k.kind', '=', 'u.kind')
            .onRef('k.unit_id', '=', 'u.unit_id'),
        )
        .selectAll('u')
        .where('u.ended_at', 'is', null)
        .execute()),
    );
  }
  return rows;
}

/** The open tenures of the given seats. */
export async function loadOpenSeats(
  trx: Kysely<CapacityTables>,
  refs: readonly { account_id: string; product: string; user_id: string }[],
): Promise<SeatRow[]> {
  const rows: SeatRow[] = [];
  for (let i = 0; i < refs.length; i += 1000) {
    const chunk = refs.slice(i, i + 1000);
    const k = sql<{ account_id: string; product: string; user_id: string }>`unnest(${chunk.map((r) => r.account_id)}::text[],
      ${chunk.map((r) => r.product)}::text[], ${chunk.map((r) => r.user_id)}::text[])`.as<'k'>(sql`k(account_id, product, user_id)`);
    rows.push(
      ...(await trx
        .selectFrom('capacity_seats as s')
        .innerJoin(k, (j) => j.onRef('k.account_id', '=', 's.account_id').onRef('k.product', '=', 's.product').onRef('k.user_id', '=', 's.user_id'))
        .selectAll('s')
        .where('s.unassigned_at', 'is', null)
        .execute()),
    );
  }
  return rows;
}
