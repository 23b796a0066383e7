import pg from 'pg';
import type { LedgerDatabase, SqlExecutor } from '../../../read-store/src/database.js';
import { freshTestSchema, TEST_DATABASE_URL, type TestSchema } from '../../../read-store/src/testing/test-postgres.js';
import { describeEventStoreContract } from '../event-store.contract.js';
import { WrongExpectedRevisionError, type EventStore } from '../event-store.js';
import { logEventsOf, probeSubscription, sleep, testEvent, waitUntil } from '../testing/event-store-probes.js';
import { appendEvents } from './append-events.js';
import { EVENTS_APPENDED_CHANNEL } from './event-store-schema.js';
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

      const slow = new pg.Client({ connectionString: TEST_DATABASE_URL, options: `-c search_path=${testSchema.schema}` });
      await slow.connect();
      try {
        const slowTx: SqlExecutor = { query: async (text, params = []) => (await slow.query(text, [...params])).rows };
        await slow.query('BEGIN');
        const early = testEvent('BeganFirst');
        const earlyAppend = await appendEvents(slowTx, earlyStream, 'no_stream', [early]);
        const late = testEvent('CommittedFirst');
        const lateAppend = await store.appendToStream(lateStream, 'no_stream', [late]);
        expect(earlyAppend.position.commit).toBeLessThan(lateAppend.position.commit);

        await sleep(300);
        expect(probe.received).toEqual([]);
        expect(await logEventsOf(store, start, [earlyStream, lateStream])).toEqual([]);
        expect(await store.headPosition()).toEqual(start);

        await slow.query('COMMIT');
        await probe.waitFor(2);
        await probe.stop();
        expect(probe.received.map((event) => event.eventId)).toEqual([early.eventId, late.eventId]);
        expect(await store.headPosition()).toEqual(lateAppend.position);
      } finally {
        await slow.end();
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
        db.transaction(async (tx) => {
          await appendEvents(tx, stream, 'no_stream', [testEvent('RolledBack')]);
          throw new Error('abandon');
        }),
      ).rejects.toThrow('abandon');
      expect(await store.readStream(stream)).toEqual([]);

      const kept = testEvent('Committed');
      await db.transaction((tx) => appendEvents(tx, stream, 'no_stream', [kept]));
      expect((await store.readStream(stream)).map((event) => event.eventId)).toEqual([kept.eventId]);
    });

    test('announces committed appends on its NOTIFY channel', async () => {
      let notifications = 0;
      const unlisten = await db.listen(EVENTS_APPENDED_CHANNEL, () => notifications++);
      try {
        await store.appendToStream(newStream('notify'), 'no_stream', [testEvent('Announced'), testEvent('Announced')]);
        await waitUntil(() => notifications === 1, 'one notification for one append');
      } finally {
        await unlisten();
      }
    });
  });
});
