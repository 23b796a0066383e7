import { DomainError } from '../../domain/src/index.js';
import { createEventStore } from '../../event-store/src/create-event-store.js';
import { appendSize, type EventStore, type ExpectedRevision, type NewEvent } from '../../event-store/src/event-store.js';
import { IN_MEMORY, openDatabase, type LedgerDatabase } from '../../database/src/database.js';
import { FixedClock } from '../../../test/support/fixed-clock.js';
import { accountWithSeatPool } from '../../../test/support/ledger-fixtures.js';
import { AccountLedger } from './account-ledger.js';
import { accountStreamId } from './account-stream.js';
import type { CommandContext, IncomingCommand } from './command-gateway.js';
import { createRejectedCommands, type RejectedCommands } from './rejected-commands.js';

const ctx: CommandContext = { actor: 'key-1', correlationId: 'corr-1' };
const LEASE_MS = 900_000;

describe('AccountLedger (embedded store)', () => {
  let database: LedgerDatabase;
  let store: EventStore;
  let clock: FixedClock;
  let ledger: AccountLedger;
  let rejections: RejectedCommands;
  let account = 0;
  /** Each test works on an account of its own: 'acme' in the test text. */
  const acme = () => `acme-${account}`;
  const stream = (accountId: string) => store.readStream(accountStreamId(accountId === 'acme' ? acme() : accountId));

  beforeAll(async () => {
    database = await openDatabase({ dataDir: IN_MEMORY });
    store = await createEventStore({ database });
    rejections = await createRejectedCommands(database);
  });

  beforeEach(async () => {
    account++;
    clock = new FixedClock(Date.parse('2026-01-06T12:00:00Z'));
    ledger = new AccountLedger(store, clock, LEASE_MS, rejections);
    await ledger.executeMany(accountWithSeatPool(acme(), 2, 3), ctx);
  });

  afterAll(async () => {
    await store.close();
    await database.close();
  });

  test('every event carries the metadata of SPEC §3', async () => {
    await ledger.execute(
      { type: 'AssignSeat', accountId: acme(), product: 'KSE', userId: 'u0', commandId: 'c-1', at: '2026-01-06T11:00:00.000Z' },
      ctx,
    );
    const [assigned] = (await stream('acme')).filter((e) => e.type === 'SeatAssigned');
    expect(assigned.metadata).toMatchObject({
      commandId: 'c-1',
      correlationId: 'corr-1',
      causationId: null,
      actor: 'key-1',
      occurredAt: '2026-01-06T11:00:00.000Z',
      schemaVersion: 1,
    });
    expect(Date.parse(assigned.metadata.recordedAt)).not.toBeNaN();
    expect(assigned.data).toEqual({ product: 'KSE', userId: 'u0', licenseSource: 'account' });
  });

  test('a repeated commandId returns the first outcome and appends nothing', async () => {
    const command = { type: 'AssignSeat', accountId: acme(), product: 'KSE', userId: 'u0', commandId: 'once' } as const;
    const first = await ledger.execute(command, ctx);
    const before = (await stream('acme')).length;
    const again = await ledger.execute(command, ctx);
    expect(again.duplicate).toBe(true);
    expect(again.events).toEqual(first.events);
    expect((await stream('acme')).length).toBe(before);
  });

  test('a repeated commandId of a rejected command returns the first rejection, even once the rule would allow it', async () => {
    const assign = (userId: string, commandId?: string) =>
      ledger.execute({ type: 'AssignSeat', accountId: acme(), product: 'KSE', userId, commandId }, ctx);
    await assign('u0');
    await assign('u1');
    await expect(assign('u2', 'late')).rejects.toMatchObject({ code: 'LICENSE_QUOTA_EXCEEDED' });
    await ledger.execute({ type: 'UnassignSeat', accountId: acme(), product: 'KSE', userId: 'u0' }, ctx);
    await expect(assign('u2', 'late')).rejects.toMatchObject({ code: 'LICENSE_QUOTA_EXCEEDED' });
    const [again] = await ledger.executeMany([{ type: 'AssignSeat', accountId: acme(), product: 'KSE', userId: 'u2', commandId: 'late' }], ctx);
    expect(again.ok ? 'accepted' : again.error.code).toBe('LICENSE_QUOTA_EXCEEDED');
    expect((await stream('acme')).filter((e) => e.type === 'SeatAssigned')).toHaveLength(2);
  });

  test('a rejected command appends nothing and reports its code', async () => {
    const before = (await stream('acme')).length;
    await expect(ledger.execute({ type: 'UnassignSeat', accountId: acme(), product: 'KSE', userId: 'u0' }, ctx)).rejects.toMatchObject({
      code: 'NOT_ASSIGNED',
    });
    expect((await stream('acme')).length).toBe(before);
  });

  test('a start denied for capacity records SessionDenied, fails, and fails again when repeated', async () => {
    await ledger.execute(
      {
        type: 'PurchaseLicenses',
        accountId: acme(),
        purchaseId: 'kre',
        product: 'KRE',
        quantity: 1,
        startsAt: '2026-01-01T00:00:00.000Z',
        expiresAt: '2027-01-01T00:00:00.000Z',
      },
      ctx,
    );
    await ledger.execute({ type: 'StartSession', accountId: acme(), product: 'KRE', sessionId: 's1', userId: 'u0', machineId: 'm1' }, ctx);
    const denied = {
      type: 'StartSession',
      accountId: acme(),
      product: 'KRE',
      sessionId: 's2',
      userId: 'u1',
      machineId: 'm2',
      commandId: 'start-s2',
    } as const;
    await expect(ledger.execute(denied, ctx)).rejects.toMatchObject({ code: 'CONCURRENCY_LIMIT_REACHED' });
    await expect(ledger.execute(denied, ctx)).rejects.toMatchObject({ code: 'CONCURRENCY_LIMIT_REACHED' });
    expect((await stream('acme')).filter((e) => e.type === 'SessionDenied')).toHaveLength(1);
  });

  test('without `at` a command happens now, and never before the latest event', async () => {
    const outcome = await ledger.execute({ type: 'AssignSeat', accountId: acme(), product: 'KSE', userId: 'u0' }, ctx);
    expect(outcome.events[0].occurredAt).toBe('2026-01-06T12:00:00.000Z');
    await ledger.execute({ type: 'RecordLogin', accountId: acme(), product: 'KSE', userId: 'u0', at: '2026-01-06T12:04:00.000Z' }, ctx);
    const later = await ledger.execute({ type: 'RecordActivity', accountId: acme(), product: 'KSE', userId: 'u0', action: 'run' }, ctx);
    expect(later.events[0].occurredAt).toBe('2026-01-06T12:04:00.000Z');
  });

  test('a command decided on a stale state is decided again after another writer appended', async () => {
    const other = new AccountLedger(store, clock, LEASE_MS);
    await other.execute({ type: 'AssignSeat', accountId: acme(), product: 'KSE', userId: 'u0' }, ctx);
    await other.execute({ type: 'AssignSeat', accountId: acme(), product: 'KSE', userId: 'u1' }, ctx);
    // `ledger` still believes both seats are free; the append conflicts, it reloads and sees the pool is full.
    await expect(ledger.execute({ type: 'AssignSeat', accountId: acme(), product: 'KSE', userId: 'u2' }, ctx)).rejects.toMatchObject({
      code: 'LICENSE_QUOTA_EXCEEDED',
      message: 'The number of the licenses cannot exceed the license quota',
    });
    await expect(ledger.execute({ type: 'AssignSeat', accountId: acme(), product: 'KSE', userId: 'u0' }, ctx)).rejects.toBeInstanceOf(DomainError);
  });

  test('a batch decides each command on the state the previous ones left, and appends them once', async () => {
    const results = await ledger.executeMany(
      [
        { type: 'AssignSeat', accountId: acme(), product: 'KSE', userId: 'u0' },
        { type: 'AssignSeat', accountId: acme(), product: 'KSE', userId: 'u0' },
        { type: 'AssignSeat', accountId: acme(), product: 'KSE', userId: 'u1' },
        { type: 'AssignSeat', accountId: acme(), product: 'KSE', userId: 'u2' },
      ],
      ctx,
    );
    expect(results.map((r) => (r.ok ? 'ok' : r.error.code))).toEqual(['ok', 'ALREADY_ASSIGNED', 'ok', 'LICENSE_QUOTA_EXCEEDED']);
    const positions = results.filter((r) => r.ok).map((r) => (r.ok ? r.outcome.position : null));
    expect(positions[0]).not.toBeNull();
    expect(positions[0]).toBe(positions[1]);
  });

  /** The same store with a smaller append budget, telling each append's size; `before` runs before append number n (from 1). */
  function budgeted(maxAppendBytes: number, before?: (n: number) => Promise<void>) {
    const sizes: number[] = [];
    const limited: EventStore = {
      kind: store.kind,
      storeId: store.storeId,
      maxAppendBytes,
      async appendToStream(streamId: string, expected: ExpectedRevision, events: readonly NewEvent[]) {
        sizes.push(appendSize(events));
        await before?.(sizes.length);
        return store.appendToStream(streamId, expected, events);
      },
      readStream: (streamId, fromRevision, maxCount) => store.readStream(streamId, fromRevision, maxCount),
      readCommandEvents: (streamId, commandIds) => store.readCommandEvents(streamId, commandIds),
      readAll: (options) => store.readAll(options),
      subscribeToAll: (options) => store.subscribeToAll(options),
      headPosition: () => store.headPosition(),
      close: async () => {},
    };
    return { limited, sizes };
  }

  const registrations = (from: number, count: number): IncomingCommand[] =>
    Array.from({ length: count }, (_, i) => ({
      type: 'RegisterUser',
      accountId: acme(),
      userId: `r${from + i}`,
      email: `r${from + i}@race.example`,
      fullName: `R ${'x'.repeat(2_000)}`,
      orgId: 'qa',
    }));

  test("a batch bound for one account is split between commands under the store's append budget", async () => {
    const { limited, sizes } = budgeted(20_000);
    const batch = new AccountLedger(limited, clock, LEASE_MS, rejections);
    const before = (await stream('acme')).length;
    const results = await batch.executeMany(registrations(0, 40), ctx);

    expect(results.every((r) => r.ok)).toBe(true);
    expect(sizes.length).toBeGreaterThan(3);
    expect(sizes.every((size) => size <= 20_000)).toBe(true);
    const events = await stream('acme');
    expect(events.slice(before).map((e) => e.data.userId)).toEqual(Array.from({ length: 40 }, (_, i) => `r${i}`));
    expect(events.map((e) => e.streamRevision)).toEqual(events.map((_, i) => BigInt(i)));
    expect(new Set(results.map((r) => (r.ok ? r.outcome.position : null))).size).toBe(sizes.length);
  });

  test('when another writer gets in between two appends of a batch, only the commands not appended yet are decided again', async () => {
    const other = new AccountLedger(store, clock, LEASE_MS);
    const { limited, sizes } = budgeted(20_000, async (n) => {
      if (n === 2)
        await other.execute(
          { type: 'RegisterUser', accountId: acme(), userId: 'r30', email: 'r30@race.example', fullName: 'Other', orgId: 'qa' },
          ctx,
        );
    });
    const batch = new AccountLedger(limited, clock, LEASE_MS, rejections);
    const results = await batch.executeMany(registrations(0, 40), ctx);

    expect(sizes.length).toBeGreaterThan(2);
    expect(results.map((r, i) => (r.ok ? 'ok' : `${i} ${r.error.code}`)).filter((r) => r !== 'ok')).toEqual(['30 ALREADY_EXISTS']);
    const registered = (await stream('acme')).filter((e) => e.type === 'UserRegistered' && String(e.data.userId).startsWith('r'));
    expect(registered.map((e) => e.data.userId).sort()).toEqual(Array.from({ length: 40 }, (_, i) => `r${i}`).sort());
    expect(registered.filter((e) => e.data.userId === 'r30').map((e) => e.data.fullName)).toEqual(['Other']);
  });

  test('a lapsed session is recorded as expired at lastSeen + lease before the next command', async () => {
    await ledger.execute(
      {
        type: 'PurchaseLicenses',
        accountId: acme(),
        purchaseId: 'kre',
        product: 'KRE',
        quantity: 1,
        startsAt: '2026-01-01T00:00:00.000Z',
        expiresAt: '2027-01-01T00:00:00.000Z',
        at: '2026-01-06T10:00:00.000Z',
      },
      ctx,
    );
    await ledger.execute(
      { type: 'StartSession', accountId: acme(), product: 'KRE', sessionId: 's1', userId: 'u0', machineId: 'm1', at: '2026-01-06T10:00:00.000Z' },
      ctx,
    );
    const next = await ledger.execute(
      { type: 'StartSession', accountId: acme(), product: 'KRE', sessionId: 's2', userId: 'u1', machineId: 'm2', at: '2026-01-06T11:00:00.000Z' },
      ctx,
    );
    expect(next.events.map((e) => e.type)).toEqual(['SessionExpired', 'MachineRegistered', 'SessionStarted']);
    expect(next.events[0].data).toMatchObject({ sessionId: 's1', endedAt: '2026-01-06T10:15:00.000Z' });
  });
});
