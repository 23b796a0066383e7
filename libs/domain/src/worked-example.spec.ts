import { DateTime } from 'luxon';
import type { LedgerCommand } from './commands.js';
import type { LedgerEvent } from './events.js';
import { QUOTA_EXCEEDED_MESSAGE } from './errors.js';
import { given, pools, type Fact } from './testing/decider-spec.js';
import { SPEC7_DENIED_START, SPEC7_KRE_PURCHASE, SPEC7_KRE_SESSIONS, SPEC7_SEAT_ROWS, SPEC7_SETUP } from './testing/spec-7-example.js';

/** SPEC §7, the worked example (testing/spec-7-example.ts): every stated outcome is asserted. */

const setup = SPEC7_SETUP;
const row = SPEC7_SEAT_ROWS;
/** The history before row n: setup and the earlier rows (row 5 was rejected and appended nothing). */
const before = (n: number): LedgerCommand[] => [
  ...setup,
  ...Object.keys(row)
    .map(Number)
    .filter((i) => i < n && i !== 5)
    .map((i) => row[i]!),
];
const zone = 'America/New_York';
const localDay = (iso: string) => DateTime.fromISO(iso, { zone: 'utc' }).setZone(zone).toISODate();

describe('SPEC §7 worked example — seats', () => {
  it('#1 PurchaseLicenses p1 KSE ×5 → ok', () => {
    const state = given(before(1)).when(row[1]!).thenAccepted();
    expect(pools(state, 'KSE', '2026-01-05T14:00:00Z').account).toMatchObject({ dedicated: 5, pool: 5 });
  });

  it('#2 DedicateLicenses KSE qa 3 → ok: pool(account) 2, pool(qa) 3', () => {
    const state = given(before(2)).when(row[2]!).thenAccepted();
    expect(pools(state, 'KSE', '2026-01-05T15:00:00Z')).toMatchObject({ account: { pool: 2 }, qa: { pool: 3 } });
  });

  it('#3 DedicateLicenses KSE mobile 1 → ok: pool(qa) 2, pool(mobile) 1', () => {
    const state = given(before(3)).when(row[3]!).thenAccepted();
    expect(pools(state, 'KSE', '2026-01-05T15:05:00Z')).toMatchObject({ account: { pool: 2 }, qa: { pool: 2 }, mobile: { pool: 1 } });
  });

  it('#4 AssignSeat KSE u2 → ok, source mobile', () => {
    given(before(4))
      .when(row[4]!)
      .then([{ type: 'SeatAssigned', data: { product: 'KSE', userId: 'u2', licenseSource: 'mobile' } }]);
  });

  it('#5 AssignSeat KSE u3 → 409 LICENSE_QUOTA_EXCEEDED (mobile is full; no borrowing)', () => {
    const error = given(before(5)).when(row[5]!).thenRejects('LICENSE_QUOTA_EXCEEDED', QUOTA_EXCEEDED_MESSAGE);
    expect(error.status).toBe(409);
    expect(pools(given(before(5)).state(), 'KSE', '2026-01-06T13:01:00Z')).toMatchObject({ qa: { available: 2 }, mobile: { available: 0 } });
  });

  it('#6 AssignSeat KSE u1 → ok, source qa', () => {
    given(before(6))
      .when(row[6]!)
      .then([{ type: 'SeatAssigned', data: { product: 'KSE', userId: 'u1', licenseSource: 'qa' } }]);
  });

  it('#7 RecordLogin KSE u2 → ok, u2 activated (local day 2026-01-06)', () => {
    given(before(7))
      .when(row[7]!)
      .then([
        { type: 'UserLoggedIn', data: { product: 'KSE', userId: 'u2', machineId: null } },
        { type: 'SeatActivated', data: { product: 'KSE', userId: 'u2' } },
      ]);
    expect(localDay(row[7]!.at)).toBe('2026-01-06');
  });

  it('#8 RecordLogin KSE u1 → ok, u1 activated (local day 2026-01-07)', () => {
    given(before(8))
      .when(row[8]!)
      .then([
        { type: 'UserLoggedIn', data: { product: 'KSE', userId: 'u1', machineId: null } },
        { type: 'SeatActivated', data: { product: 'KSE', userId: 'u1' } },
      ]);
    expect(localDay(row[8]!.at)).toBe('2026-01-07');
  });

  it('#9 UnassignSeat KSE u1 → ok', () => {
    given(before(9))
      .when(row[9]!)
      .then([{ type: 'SeatUnassigned', data: { product: 'KSE', userId: 'u1' } }]);
  });

  it('#10 AssignSeat KSE u1 → ok, not activated; u2 stays activated', () => {
    const state = given(before(10))
      .when(row[10]!)
      .then([{ type: 'SeatAssigned', data: { product: 'KSE', userId: 'u1', licenseSource: 'qa' } }]);
    const seats = state.products.get('KSE')!.seats;
    expect(seats.get('u1')!.activated).toBe(false);
    expect(seats.get('u2')!.activated).toBe(true);
    // Feb (latest record): account 5 purchased, 2 assigned; qa pool 2 holds u1, mobile holds u2.
    expect(pools(state, 'KSE', '2026-02-28T23:59:59Z')).toMatchObject({
      account: { dedicated: 5, pool: 2, used: 0 },
      qa: { dedicated: 3, pool: 2, used: 1 },
      mobile: { dedicated: 1, pool: 1, used: 1 },
    });
  });
});

describe('SPEC §7 worked example — KRE sessions on 2026-03-02 (America/New_York)', () => {
  const kre = SPEC7_KRE_PURCHASE;
  const s4 = SPEC7_DENIED_START;
  const sessionCommands = SPEC7_KRE_SESSIONS;
  const local = (iso: string) => DateTime.fromISO(iso, { zone: 'utc' }).setZone(zone).toFormat('HH:mm');

  it('s4, tried at 10:45 local while s1 and s2 are open, is denied; every other command is accepted', () => {
    expect(local(s4.at)).toBe('10:45');
    const history: Fact[] = [...before(11), kre];
    const appended: LedgerEvent[] = [];
    for (const command of sessionCommands) {
      const outcome = given(history).when(command);
      if (command === s4) {
        const denial = outcome.thenDenied('CONCURRENCY_LIMIT_REACHED', 'SessionDenied');
        expect(pools(given(history).state(), 'KRE', s4.at).account).toMatchObject({ dedicated: 2, used: 2, available: 0 });
        history.push(denial);
        appended.push(denial);
      } else {
        outcome.thenAccepted();
        history.push(command);
        appended.push(...outcome.decision.events);
      }
    }

    // No lease lapsed (heartbeats every 10 minutes): nothing expired, one denial.
    expect(appended.filter((e) => e.type === 'SessionExpired')).toEqual([]);
    expect(appended.filter((e) => e.type === 'SessionDenied').map((e) => e.occurredAt)).toEqual(['2026-03-02T15:45:00Z']);

    // The sessions, in local time: s1 [10:00, 11:00), s2 [10:30, 12:00), s3 [11:00, 11:30).
    const started = new Map(appended.filter((e) => e.type === 'SessionStarted').map((e) => [e.data.sessionId, local(e.occurredAt)]));
    const ended = new Map(appended.filter((e) => e.type === 'SessionEnded').map((e) => [e.data.sessionId, local(e.data.endedAt)]));
    expect(Object.fromEntries([...started].map(([id, from]) => [id, [from, ended.get(id)]]))).toEqual({
      s1: ['10:00', '11:00'],
      s2: ['10:30', '12:00'],
      s3: ['11:00', '11:30'],
    });

    // s3 starts at 11:00 when s1 ends (back to back): never more than 2 open.
    const state = given(history).state();
    expect(pools(state, 'KRE', '2026-03-02T16:00:00Z').account).toMatchObject({ used: 0 });
    expect(state.sessions.size).toBe(0);
    expect([...state.endedSessions]).toEqual(['s1', 's3', 's2']);
  });

  it('the KRE purchase counts over March local time only', () => {
    const state = given([...before(11), kre]).state();
    expect(pools(state, 'KRE', '2026-03-01T04:59:59Z').account.dedicated).toBe(0);
    expect(pools(state, 'KRE', '2026-03-01T05:00:00Z').account.dedicated).toBe(2);
    expect(pools(state, 'KRE', '2026-04-01T04:00:00Z').account.dedicated).toBe(0);
  });
});
