import type { LedgerDatabase } from '../../../database/src/database.js';
import { freshTestSchema, type TestSchema } from '../../../database/src/testing/test-postgres.js';
import { describeEventStoreContract } from '../event-store.contract.js';
import { WrongExpectedRevisionError, type AppendResult, type EventStore } from '../event-store.js';
import { logEventsOf, probeSubscription, sleep, testEvent, waitUntil } from '../testing/event-store-probes.js';
import { appendEvents } from './append-events.js';
import { EVENTS_APPENDED_CHANNEL, type EventStoreTables } from './event-tables.js';
import { query } from '../../../database/src/testing/query.js';
import { createSqlEventStore } from './sql-event-store.js';

describe('SQL event store on PostgreSQL', () => {
  const testSchema = freshTestSchema('event_store');
  let db: LedgerDatabase;
  /** Other ledgers on the same server: a schema each. */
  const others = new Map<string, { schema: TestSchema; db: LedgerDatabase }>();

  beforeAll(async () => {
    db = await testSchema.open();
  });

  afterAll(async () => {
    for (const other of others.values()) {
      await other.db.close();
      await other.schema.drop();
    }
    await db.close();
    await testSchema.drop();
  });

  async function storeOf(namespace: string): Promise<EventStore> {
    let other = others.get(namespace);
    if (!other) {
      const schema = freshTestSchema(namespace);
      other = { schema, db: await schema.open() };
      others.set(namespace, other);
    }
    return createSqlEventStore(other.db);
  }

  describeEventStoreContract('PostgreSQL', {
    async open(namespace) {
      if (namespace) return storeOf(namespace);
      const store = await createSqlEventStore(db);
      expect(store.kind).toBe('postgres');
      return store;
    },
    async appendOthers(label) {
      const other = await storeOf(label);
      await other.appendToStream(`${label}-stream`, 'no_stream', [testEvent('OtherLedgers')]);
      await other.close();
    },
  });

  describe('across connections', () => {
    let store: EventStore;
    let run = 0;
    const newStream = (label: string) => `${testSchema.schema}-${label}-${++run}`;

    beforeAll(async () => {
      store = await createSqlEventStore(db);
    });

    afterAll(() => store.close());

    test('readers wait at a transaction that began earlier and commits later, then receive both in order', async () => {
      const [earlyStream, lateStream] = [newStream('early'), newStream('late')];
      const start = await store.headPosition();
      const probe = probeSubscription(store, { after: start }, [earlyStream, lateStream]);

      const slow = await testSchema.open();
      let commit!: () => void;
      const committing = new Promise<void>((resolve) => (commit = resolve));
      let appended!: (result: AppendResult) => void;
      const earlyAppended = new Promise<AppendResult>((resolve) => (appended = resolve));
      const early = testEvent('BeganFirst');
      const slowTx = slow
        .kysely<EventStoreTables>()
        .transaction()
        .execute(async (trx) => {
          appended(await appendEvents(trx, earlyStream, 'no_stream', [early]));
          await committing;
        });
      try {
        const earlyAppend = await earlyAppended;
        const late = testEvent('CommittedFirst');
        const lateAppend = await store.appendToStream(lateStream, 'no_stream', [late]);
        expect(earlyAppend.position.commit).toBeLessThan(lateAppend.position.commit);

        await sleep(300);
        expect(probe.received).toEqual([]);
        expect(await logEventsOf(store, start, [earlyStream, lateStream])).toEqual([]);
        expect(await store.headPosition()).toEqual(start);

        commit();
        await slowTx;
        await probe.waitFor(2);
        await probe.stop();
        expect(probe.received.map((event) => event.eventId)).toEqual([early.eventId, late.eventId]);
        expect(await store.headPosition()).toEqual(lateAppend.position);
      } finally {
        commit();
        await slowTx.catch(() => undefined);
        await slow.close();
      }
    });

    test('two pools, like two processes, appending to one stream never both win', async () => {
      const other = await testSchema.open();
      try {
        const [mine, theirs] = await Promise.all([createSqlEventStore(db), createSqlEventStore(other)]);
        const stream = newStream('two-pools');
        await mine.appendToStream(stream, 'no_stream', [testEvent('Seed')]);

        for (let revision = 0n; revision < 20n; revision++) {
          const results = await Promise.allSettled([
            mine.appendToStream(stream, revision, [testEvent('Mine')]),
            theirs.appendToStream(stream, revision, [testEvent('Theirs')]),
          ]);
          expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
          const [rejected] = results.filter((result) => result.status === 'rejected');
          expect(rejected.reason).toBeInstanceOf(WrongExpectedRevisionError);
        }
        const stored = await mine.readStream(stream);
        expect(stored.map((event) => event.streamRevision)).toEqual(Array.from({ length: 21 }, (_, i) => BigInt(i)));
        await Promise.all([mine.close(), theirs.close()]);
      } finally {
        await other.close();
      }
    });

    test('appends inside a transaction the caller holds, and nothing when it rolls back', async () => {
      const stream = newStream('in-tx');
      await expect(
        db
          .kysely<EventStoreTables>()
          .transaction()
          .execute(async (trx) => {
            await appendEvents(trx, stream, 'no_stream', [testEvent('RolledBack')]);
            throw new Error('abandon');
          }),
      ).rejects.toThrow('abandon');
      expect(await store.readStream(stream)).toEqual([]);

      const kept = testEvent('Committed');
      await db
        .kysely<EventStoreTables>()
        .transaction()
        .execute((trx) => appendEvents(trx, stream, 'no_stream', [kept]));
      expect((await store.readStream(stream)).map((event) => event.eventId)).toEqual([kept.eventId]);
    });

    test('announces a committed append on its NOTIFY channel, once', async () => {
      // Other schemas of the test database notify on the same channel: count this log's only.
      let notifications = 0;
      const unlisten = await db.listen(EVENTS_APPENDED_CHANNEL, (payload) => payload === store.storeId && notifications++);
      try {
        await sleep(50); // past the announcer's interval, whatever the tests before appended
        await store.appendToStream(newStream('notify'), 'no_stream', [testEvent('Announced'), testEvent('Announced')]);
        await waitUntil(() => notifications === 1, 'one notification for one append');
        await sleep(100);
        expect(notifications).toBe(1);
      } finally {
        await unlisten();
      }
    });

    test('announces a burst of concurrent appends with a few NOTIFYs, one of them after the last commit', async () => {
      let notifications = 0;
      let allCommitted = false;
      let afterLastCommit = 0;
      const unlisten = await db.listen(EVENTS_APPENDED_CHANNEL, (payload) => {
        if (payload !== store.storeId) return;
        notifications++;
        if (allCommitted) afterLastCommit++;
      });
      try {
        await Promise.all(Array.from({ length: 40 }, () => store.appendToStream(newStream('burst'), 'no_stream', [testEvent('Burst')])));
        allCommitted = true;
        await waitUntil(() => afterLastCommit > 0, 'a notification after the last append committed');
        expect(notifications).toBeLessThan(40);
      } finally {
        await unlisten();
      }
    });

    test('the database itself notifies nothing on append: the events table has no trigger (migration 0008)', async () => {
      const triggers = await query<{ name: string }>(
        db,
        `SELECT tgname AS name FROM pg_trigger
        WHERE tgrelid = 'events'::regclass AND NOT tgisinternal`,
      );
      expect(triggers).toEqual([]);
    });

    test('a reader in another process receives the appends it is announced', async () => {
      const other = await testSchema.open();
      const theirs = await createSqlEventStore(other);
      try {
        const stream = newStream('announced-elsewhere');
        const probe = probeSubscription(theirs, { after: await store.headPosition() }, [stream]);
        await sleep(600); // the reader is idle, polling at its longest interval
        const appended = testEvent('Elsewhere');
        await store.appendToStream(stream, 'no_stream', [appended]);
        await probe.waitFor(1);
        await probe.stop();
        expect(probe.received.map((event) => event.eventId)).toEqual([appended.eventId]);
      } finally {
        await theirs.close();
        await other.close();
      }
    });
  });
});
