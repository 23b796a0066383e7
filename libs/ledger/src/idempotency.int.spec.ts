import { createEventStore } from '../../event-store/src/create-event-store.js';
import type { EventStore } from '../../event-store/src/event-store.js';
import { IN_MEMORY, openDatabase, type LedgerDatabase } from '../../database/src/database.js';
import { freshTestSchema, type TestSchema } from '../../database/src/testing/test-postgres.js';
import { FixedClock } from '../../../test/support/fixed-clock.js';
import { accountWithSeatPool } from '../../../test/support/ledger-fixtures.js';
import { AccountLedger } from './account-ledger.js';
import { createAccountSnapshots, type AccountSnapshots } from './account-snapshots.js';
import { accountStreamId } from './account-stream.js';
import type { CommandContext, CommandOutcome, IncomingCommand } from './command-gateway.js';

/**
 * SPEC §3: submitting a commandId again returns the first outcome and appends nothing. The command
 * index is the event store's (docs/decisions.md, "Command index in the database"), not the account
 * state's: these prove it holds whatever the state went through — a restart, a snapshot, a batch,
 * another writer submitting the same command at the same time.
 */

const ctx: CommandContext = { actor: 'key-1', correlationId: 'corr-1' };
const LEASE_MS = 900_000;

interface Backend {
  readonly database: LedgerDatabase;
  /** Another database on the same data, as a second process would open it (PostgreSQL only). */
  readonly another?: () => Promise<LedgerDatabase>;
  close(): Promise<void>;
}

const BACKENDS: [string, () => Promise<Backend>][] = [
  [
    'PostgreSQL',
    async () => {
      const schema: TestSchema = freshTestSchema('idempotency');
      const database = await schema.open();
      return { database, another: () => schema.open(), close: async () => (await database.close(), await schema.drop()) };
    },
  ],
  [
    'PGlite',
    async () => {
      const database = await openDatabase({ dataDir: IN_MEMORY });
      return { database, close: () => database.close() };
    },
  ],
];

describe.each(BACKENDS)('a repeated commandId (%s)', (_, open) => {
  let backend: Backend;
  let store: EventStore;
  let snapshots: AccountSnapshots;
  let account = 0;
  let acme = '';
  const clock = new FixedClock(Date.parse('2026-01-06T12:00:00Z'));

  const freshLedger = (on: EventStore = store, everyEvents = 0) => new AccountLedger(on, clock, LEASE_MS, undefined, { snapshots, everyEvents });
  const events = () => store.readStream(accountStreamId(acme));
  const assign = (userId: string, commandId: string): IncomingCommand => ({ type: 'AssignSeat', accountId: acme, product: 'KSE', userId, commandId });
  const login = (userId: string, commandId: string): IncomingCommand => ({ type: 'RecordLogin', accountId: acme, product: 'KSE', userId, commandId });
  /** What a repeat must answer: the first outcome, marked as a duplicate. */
  const asDuplicate = (first: CommandOutcome): CommandOutcome => ({ ...first, duplicate: true });

  beforeAll(async () => {
    backend = await open();
    store = await createEventStore({ database: backend.database });
    snapshots = createAccountSnapshots(backend.database, store.storeId);
  });

  beforeEach(async () => {
    acme = `acme-${++account}`;
    // 2 KSE seats, users u0–u4.
    await freshLedger().executeMany(accountWithSeatPool(acme, 2, 5), ctx);
  });

  afterAll(async () => {
    await store.close();
    await backend.close();
  });

  test('after a restart: the first outcome, events and position, and nothing appended', async () => {
    const first = await freshLedger().execute(assign('u0', 'seat-u0'), ctx);
    const length = (await events()).length;
    const restarted = freshLedger();
    expect(await restarted.execute(assign('u0', 'seat-u0'), ctx)).toEqual(asDuplicate(first));
    // Even where deciding it again would now be refused (the seat is taken).
    expect(await restarted.execute({ ...assign('u0', 'seat-u0'), at: '2026-01-06T11:59:00Z' }, ctx)).toEqual(asDuplicate(first));
    expect((await events()).length).toBe(length);
  });

  test('across a snapshot: commands recorded before it and after it, and the snapshot holds no commandId', async () => {
    const writer = freshLedger(store, 5);
    const before = await writer.execute(login('u0', 'before-snapshot'), ctx);
    for (let i = 1; i <= 6; i++) await writer.execute(login(`u${i % 5}`, `filler-${i}`), ctx);
    await writer.snapshotsWritten();
    const snapshot = (await snapshots.latest(acme))!;
    const after = await writer.execute(login('u1', 'after-snapshot'), ctx);
    expect(snapshot.revision).toBeLessThan(BigInt(after.events[0].streamRevision));
    expect(snapshot.state).not.toContain('before-snapshot');
    const length = (await events()).length;

    const restarted = freshLedger(store, 5);
    expect(await restarted.execute(login('u0', 'before-snapshot'), ctx)).toEqual(asDuplicate(before));
    expect(await restarted.execute(login('u1', 'after-snapshot'), ctx)).toEqual(asDuplicate(after));
    expect((await events()).length).toBe(length);
  });

  test('in an import batch: recorded earlier, or earlier in the same batch, with one lookup per account', async () => {
    const first = await freshLedger().execute(assign('u0', 'seat-u0'), ctx);
    const lookups: string[][] = [];
    const counting = new Proxy(store, {
      get(target, key) {
        if (key === 'readCommandEvents') {
          return (streamId: string, ids: readonly string[]) => (lookups.push([streamId, ...ids]), target.readCommandEvents(streamId, ids));
        }
        const value = Reflect.get(target, key) as unknown;
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
    const length = (await events()).length;
    const results = await freshLedger(counting).executeMany(
      [assign('u0', 'seat-u0'), assign('u1', 'seat-u1'), login('u2', 'login-u2'), assign('u1', 'seat-u1'), login('u2', 'login-u2')],
      ctx,
    );
    expect(lookups).toEqual([[accountStreamId(acme), 'seat-u0', 'seat-u1', 'login-u2', 'seat-u1', 'login-u2']]);
    const outcomes = results.map((r) => (r.ok ? r.outcome : r.error.code));
    expect(outcomes[0]).toEqual(asDuplicate(first));
    expect(outcomes[3]).toEqual(asDuplicate(outcomes[1] as CommandOutcome));
    expect(outcomes[4]).toEqual(asDuplicate(outcomes[2] as CommandOutcome));
    expect((outcomes[1] as CommandOutcome).duplicate).toBe(false);
    expect((outcomes[1] as CommandOutcome).position).not.toBeNull();
    // Two commands appended one event each; the repeats nothing.
    expect((await events()).length).toBe(length + 2);
    // And a later batch finds it in the store (a batch answers with the position of its append, a
    // repeat with that of the command's own last event: the outcome is otherwise the same).
    const [later] = await freshLedger().executeMany([assign('u1', 'seat-u1')], ctx);
    expect(later.ok && { ...later.outcome, position: null }).toEqual({ ...asDuplicate(outcomes[1] as CommandOutcome), position: null });
  });

  test('two writers submitting the same commandId at once: one appends, the other answers its outcome', async () => {
    // PostgreSQL: two connection pools, two ledgers, as two processes; PGlite serves one process.
    const other = backend.another ? await backend.another() : null;
    const otherStore = other ? await createEventStore({ database: other }) : store;
    try {
      for (let round = 0; round < 8; round++) {
        const a = freshLedger();
        const b = freshLedger(otherStore);
        // Both states are loaded before the race, so neither sees the other's append when it decides.
        await Promise.all([a.execute(login('u0', `warm-a-${round}`), ctx), b.execute(login('u1', `warm-b-${round}`), ctx)]);
        const command = login(`u${round % 5}`, `race-${round}`);
        const [x, y] = await Promise.all([a.execute(command, ctx), b.execute(command, ctx)]);
        expect([x.duplicate, y.duplicate].sort()).toEqual([false, true]);
        const winner = x.duplicate ? y : x;
        expect(x.duplicate ? x : y).toEqual(asDuplicate(winner));
        expect((await events()).filter((e) => e.metadata.commandId === `race-${round}`)).toHaveLength(1);
      }
    } finally {
      if (other) {
        await otherStore.close();
        await other.close();
      }
    }
  });
});
