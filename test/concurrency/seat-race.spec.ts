import type { DomainError } from '../../libs/domain/src/index.js';
import { createEventStore } from '../../libs/event-store/src/create-event-store.js';
import type { EventStore } from '../../libs/event-store/src/event-store.js';
import { AccountLedger } from '../../libs/ledger/src/account-ledger.js';
import { accountStreamId } from '../../libs/ledger/src/account-stream.js';
import type { LedgerDatabase } from '../../libs/database/src/database.js';
import { freshTestSchema, type TestSchema } from '../../libs/database/src/testing/test-postgres.js';
import { FixedClock } from '../support/fixed-clock.js';
import { accountWithSeatPool } from '../support/ledger-fixtures.js';

/**
 * Several ledgers, each with its own connection pool and in-memory state — as separate
 * processes would be — race on one account in real PostgreSQL.
 */
describe('concurrent commands on PostgreSQL', () => {
  const WRITERS = 5;
  let schema: TestSchema;
  let databases: LedgerDatabase[];
  let stores: EventStore[];
  let ledgers: AccountLedger[];
  const clock = new FixedClock(Date.parse('2026-01-06T12:00:00Z'));

  beforeAll(async () => {
    schema = freshTestSchema('race');
    databases = [];
    stores = [];
    for (let i = 0; i < WRITERS; i++) {
      const database = await schema.open();
      databases.push(database);
      stores.push(await createEventStore({ database }));
    }
    ledgers = stores.map((store) => new AccountLedger(store, clock, 900_000));
  });

  afterAll(async () => {
    for (const store of stores) await store.close();
    for (const database of databases) await database.close();
    await schema.drop();
  });

  const settle = <T>(promises: Promise<T>[]) => Promise.allSettled(promises);
  const codes = (results: PromiseSettledResult<unknown>[]) =>
    results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => (r.reason as DomainError).code);

  test('50 parallel AssignSeat on a pool of 10 give exactly 10 seats and 40 LICENSE_QUOTA_EXCEEDED', async () => {
    const setup = await ledgers[0].executeMany(accountWithSeatPool('race', 10, 50), { actor: 'test' });
    expect(setup.every((r) => r.ok)).toBe(true);

    const results = await settle(
      Array.from({ length: 50 }, (_, i) =>
        ledgers[i % WRITERS].execute({ type: 'AssignSeat', accountId: 'race', product: 'KSE', userId: `u${i}` }, { actor: 'test' }),
      ),
    );

    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(10);
    expect(codes(results)).toEqual(Array(40).fill('LICENSE_QUOTA_EXCEEDED'));
    const assigned = (await stores[0].readStream(accountStreamId('race'))).filter((e) => e.type === 'SeatAssigned');
    expect(assigned).toHaveLength(10);
    expect(new Set(assigned.map((e) => e.data.userId)).size).toBe(10);
  });

  test('the same user assigned from every writer at once gets one seat', async () => {
    await ledgers[0].executeMany(accountWithSeatPool('twice', 10, 1), { actor: 'test' });
    const results = await settle(
      Array.from({ length: 20 }, (_, i) =>
        ledgers[i % WRITERS].execute({ type: 'AssignSeat', accountId: 'twice', product: 'KSE', userId: 'u0' }, { actor: 'test' }),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(codes(results)).toEqual(Array(19).fill('ALREADY_ASSIGNED'));
  });

  test('one commandId sent to every writer at once is appended once; the others get the first outcome', async () => {
    await ledgers[0].executeMany(accountWithSeatPool('idem', 10, 1), { actor: 'test' });
    const outcomes = await Promise.all(
      ledgers.map((ledger) =>
        ledger.execute({ type: 'AssignSeat', accountId: 'idem', product: 'KSE', userId: 'u0', commandId: 'assign-u0' }, { actor: 'test' }),
      ),
    );
    expect(outcomes.filter((o) => !o.duplicate)).toHaveLength(1);
    const first = outcomes.find((o) => !o.duplicate)!;
    for (const o of outcomes) expect(o.events.map((e) => e.streamRevision)).toEqual(first.events.map((e) => e.streamRevision));
    const assigned = (await stores[0].readStream(accountStreamId('idem'))).filter((e) => e.type === 'SeatAssigned');
    expect(assigned).toHaveLength(1);
  });

  test('session capacity holds under parallel starts: 3 sessions for a pool of 3, the rest denied and recorded', async () => {
    await ledgers[0].executeMany(
      [
        ...accountWithSeatPool('sessions', 1, 12),
        {
          type: 'PurchaseLicenses',
          accountId: 'sessions',
          purchaseId: 'kre',
          product: 'KRE',
          quantity: 3,
          startsAt: '2026-01-01T00:00:00.000Z',
          expiresAt: '2027-01-01T00:00:00.000Z',
          at: '2026-01-05T12:10:00.000Z',
        },
      ],
      { actor: 'test' },
    );
    const results = await settle(
      Array.from({ length: 12 }, (_, i) =>
        ledgers[i % WRITERS].execute(
          { type: 'StartSession', accountId: 'sessions', product: 'KRE', sessionId: `s${i}`, userId: `u${i}`, machineId: `m${i}` },
          { actor: 'test' },
        ),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
    expect(codes(results)).toEqual(Array(9).fill('CONCURRENCY_LIMIT_REACHED'));
    const events = await stores[0].readStream(accountStreamId('sessions'));
    expect(events.filter((e) => e.type === 'SessionStarted')).toHaveLength(3);
    expect(events.filter((e) => e.type === 'SessionDenied')).toHaveLength(9);
  });
});
