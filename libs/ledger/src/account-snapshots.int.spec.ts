import { ACCOUNT_STATE_VERSION, encodeAccountState, initialState, type AccountState } from '../../domain/src/index.js';
import { createEventStore } from '../../event-store/src/create-event-store.js';
import type { EventStore } from '../../event-store/src/event-store.js';
import { countingStreamReads } from '../../event-store/src/testing/event-store-probes.js';
import { IN_MEMORY, openDatabase, type LedgerDatabase } from '../../database/src/database.js';
import { query } from '../../database/src/testing/query.js';
import { freshTestSchema, type TestSchema } from '../../database/src/testing/test-postgres.js';
import { FixedClock } from '../../../test/support/fixed-clock.js';
import { accountWithSeatPool } from '../../../test/support/ledger-fixtures.js';
import { AccountLedger } from './account-ledger.js';
import { createAccountSnapshots, type AccountSnapshots } from './account-snapshots.js';
import { accountStreamId, foldStored } from './account-stream.js';
import type { CommandContext, IncomingCommand } from './command-gateway.js';

const ctx: CommandContext = { actor: 'key-1', correlationId: 'corr-1' };
const LEASE_MS = 900_000;

const BACKENDS: [string, () => Promise<{ database: LedgerDatabase; schema?: TestSchema }>][] = [
  [
    'PostgreSQL',
    async () => {
      const schema = freshTestSchema('snapshots');
      return { database: await schema.open(), schema };
    },
  ],
  ['PGlite', async () => ({ database: await openDatabase({ dataDir: IN_MEMORY }) })],
];

describe.each(BACKENDS)('account-state snapshots (%s)', (_, open) => {
  let database: LedgerDatabase;
  let schema: TestSchema | undefined;
  let store: EventStore;
  let snapshots: AccountSnapshots;
  let account = 0;
  let acme = '';
  const clock = new FixedClock(Date.parse('2026-01-06T12:00:00Z'));

  const ledgerWith = (everyEvents: number, on: EventStore = store) => new AccountLedger(on, clock, LEASE_MS, undefined, { snapshots, everyEvents });
  const login = (userId: string, commandId?: string): IncomingCommand => ({
    type: 'RecordLogin',
    accountId: acme,
    product: 'KSE',
    userId,
    commandId,
  });
  const assign = (userId: string): IncomingCommand => ({ type: 'AssignSeat', accountId: acme, product: 'KSE', userId });
  const events = () => store.readStream(accountStreamId(acme));
  const snapshotRows = () =>
    query<{ revision: string; event_id: string; state_version: number }>(
      database,
      'SELECT revision::text AS revision, event_id, state_version FROM ledger_account_snapshots WHERE account_id = $1',
      [acme],
    );
  /** The account folded from its stream up to `revision`, as a snapshot there would hold it. */
  const foldedUpTo = async (revision: bigint): Promise<AccountState> =>
    foldStored(
      initialState(),
      (await events()).filter((e) => e.streamRevision <= revision),
    );

  beforeAll(async () => {
    ({ database, schema } = await open());
    store = await createEventStore({ database });
    snapshots = createAccountSnapshots(database, store.storeId);
  });

  beforeEach(async () => {
    acme = `acme-${++account}`;
    // 2 KSE seats, users u0–u4: 3 + 5 + 1 events.
    await ledgerWith(0).executeMany(accountWithSeatPool(acme, 2, 5), ctx);
  });

  afterAll(async () => {
    await store.close();
    await database.close();
    await schema?.drop();
  });

  test('a restarted ledger starts from the latest snapshot and reads only the events after it', async () => {
    const first = ledgerWith(10);
    for (let i = 0; i < 25; i++) await first.execute(login(`u${i % 5}`, `login-${i}`), ctx);
    await first.snapshotsWritten();
    const [row] = await snapshotRows();
    expect(row.state_version).toBe(ACCOUNT_STATE_VERSION);
    const head = (await events()).at(-1)!.streamRevision;
    expect(BigInt(row.revision)).toBeGreaterThanOrEqual(9n);
    expect(BigInt(row.revision)).toBeLessThan(head);
    // Exactly the fold of the stream up to its revision.
    const latest = (await snapshots.latest(acme))!;
    expect(latest.revision).toBe(BigInt(row.revision));
    expect(latest.state).toBe(encodeAccountState(await foldedUpTo(latest.revision)));

    const counted = countingStreamReads(store);
    const restarted = ledgerWith(10, counted.store);
    const outcome = await restarted.execute(assign('u0'), ctx);
    expect(outcome.events[0].streamRevision).toBe((head + 1n).toString());
    // The event the snapshot was taken after, and those after it.
    expect(counted.read()).toBe(Number(head - BigInt(row.revision)) + 1);
    // A command recorded before the snapshot is still known as one.
    const again = await restarted.execute(login('u0', 'login-0'), ctx);
    expect(again.duplicate).toBe(true);
    expect((await events()).length).toBe(Number(head) + 2);
  });

  test('a snapshot of another state version is passed over: the state is folded from the first event', async () => {
    const first = ledgerWith(5);
    for (let i = 0; i < 8; i++) await first.execute(login(`u${i % 5}`), ctx);
    await first.snapshotsWritten();
    await query(database, 'UPDATE ledger_account_snapshots SET state_version = $1 WHERE account_id = $2', [ACCOUNT_STATE_VERSION + 1, acme]);
    const total = (await events()).length;

    const counted = countingStreamReads(store);
    await ledgerWith(0, counted.store).execute(assign('u0'), ctx);
    expect(counted.read()).toBe(total);
  });

  test('a stale snapshot is caught up with the events after it: a full pool is full', async () => {
    const revision = (await events()).at(-1)!;
    await snapshots.save(acme, {
      revision: revision.streamRevision,
      eventId: revision.eventId,
      state: encodeAccountState(await foldedUpTo(revision.streamRevision)),
    });
    await ledgerWith(0).execute(assign('u0'), ctx);
    await ledgerWith(0).execute(assign('u1'), ctx);
    const counted = countingStreamReads(store);
    await expect(ledgerWith(0, counted.store).execute(assign('u2'), ctx)).rejects.toMatchObject({ code: 'LICENSE_QUOTA_EXCEEDED' });
    expect(counted.read()).toBe(3);
  });

  /**
   * Both seats taken; then a snapshot text that says they are free (the state before the seats were
   * assigned), filed at `revision`. Whoever decides on it would assign a third seat.
   */
  async function fillPoolAndForge(revision: (head: bigint) => bigint): Promise<{ head: bigint; headEventId: string; forged: string }> {
    const beforeSeats = (await events()).at(-1)!.streamRevision;
    await ledgerWith(0).execute(assign('u0'), ctx);
    await ledgerWith(0).execute(assign('u1'), ctx);
    const last = (await events()).at(-1)!;
    const free = await foldedUpTo(beforeSeats);
    free.revision = revision(last.streamRevision);
    return { head: last.streamRevision, headEventId: last.eventId, forged: encodeAccountState(free) };
  }

  test('what a usable snapshot says up to its revision is what decides (why the checks below matter)', async () => {
    const { head, headEventId, forged } = await fillPoolAndForge((head) => head);
    await snapshots.save(acme, { revision: head, eventId: headEventId, state: forged });
    await expect(ledgerWith(0).execute(assign('u2'), ctx)).resolves.toMatchObject({ duplicate: false });
  });

  test('a snapshot altered at rest (its checksum differs) is passed over and never decides', async () => {
    const { head, headEventId, forged } = await fillPoolAndForge((head) => head);
    await snapshots.save(acme, { revision: head, eventId: headEventId, state: encodeAccountState(await foldedUpTo(head)) });
    await query(database, 'UPDATE ledger_account_snapshots SET state = $2 WHERE account_id = $1', [acme, forged]);
    await expect(snapshots.latest(acme)).rejects.toThrow(`the snapshot of account ${acme} at revision ${head} does not match its checksum`);
    await expectFoldedWhole();
  });

  test('a snapshot anchored to an event the stream does not have there is passed over and never decides', async () => {
    const { head, forged } = await fillPoolAndForge((head) => head);
    await snapshots.save(acme, { revision: head, eventId: 'not-this-one', state: forged });
    await expectFoldedWhole();
  });

  test('a snapshot past the end of the stream is passed over and never decides', async () => {
    const { head, headEventId, forged } = await fillPoolAndForge((head) => head + 1000n);
    await snapshots.save(acme, { revision: head + 1000n, eventId: headEventId, state: forged });
    await expectFoldedWhole();
  });

  /** The next seat is refused, decided on the whole stream. */
  async function expectFoldedWhole(): Promise<void> {
    const counted = countingStreamReads(store);
    await expect(ledgerWith(0, counted.store).execute(assign('u2'), ctx)).rejects.toMatchObject({ code: 'LICENSE_QUOTA_EXCEEDED' });
    expect(counted.read()).toBeGreaterThanOrEqual((await events()).length);
  }

  test('a snapshot that cannot be written fails no command', async () => {
    const failing: AccountSnapshots = { latest: (id) => snapshots.latest(id), save: () => Promise.reject(new Error('disk full')) };
    const ledger = new AccountLedger(store, clock, LEASE_MS, undefined, { snapshots: failing, everyEvents: 1 });
    for (let i = 0; i < 3; i++) await expect(ledger.execute(login('u0'), ctx)).resolves.toMatchObject({ duplicate: false });
    await ledger.snapshotsWritten();
    expect(await snapshotRows()).toEqual([]);
  });

  test('concurrent writers snapshotting as they go never break an invariant', async () => {
    await ledgerWith(0).execute(
      { type: 'AmendPurchase', accountId: acme, purchaseId: 'p1', quantity: 20, expiresAt: '2027-01-01T00:00:00.000Z' },
      ctx,
    );
    await ledgerWith(0).executeMany(
      Array.from({ length: 40 }, (_, i) => ({
        type: 'RegisterUser',
        accountId: acme,
        userId: `w${i}`,
        email: `w${i}@race.example`,
        fullName: `W ${i}`,
        orgId: 'qa',
      })),
      ctx,
    );
    const writers = [ledgerWith(3), ledgerWith(3), ledgerWith(3)];
    const results = await Promise.allSettled(
      Array.from({ length: 40 }, (_, i) => writers[i % 3].execute({ type: 'AssignSeat', accountId: acme, product: 'KSE', userId: `w${i}` }, ctx)),
    );
    await Promise.all(writers.map((w) => w.snapshotsWritten()));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(20);
    expect((await events()).filter((e) => e.type === 'SeatAssigned')).toHaveLength(20);

    const latest = (await snapshots.latest(acme))!;
    expect(latest.state).toBe(encodeAccountState(await foldedUpTo(latest.revision)));
    await expect(ledgerWith(3).execute(assign('u0'), ctx)).rejects.toMatchObject({ code: 'LICENSE_QUOTA_EXCEEDED' });
  });
});
