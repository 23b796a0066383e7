import { IN_MEMORY, openDatabase, type LedgerDatabase } from '../../../database/src/database.js';
import { describeEventStoreContract } from '../event-store.contract.js';
import type { EventStore } from '../event-store.js';
import { testEvent } from '../testing/event-store-probes.js';
import { createSqlEventStore } from './sql-event-store.js';

describe('SQL event store on PGlite', () => {
  let db: LedgerDatabase;
  /** Other ledgers: PGlite is embedded, one database per ledger. */
  const others = new Map<string, LedgerDatabase>();

  beforeAll(async () => {
    db = await openDatabase({ dataDir: IN_MEMORY });
  });

  afterAll(async () => {
    for (const other of others.values()) await other.close();
    await db.close();
  });

  async function storeOf(namespace: string): Promise<EventStore> {
    const other = others.get(namespace) ?? (await openDatabase({ dataDir: IN_MEMORY }));
    others.set(namespace, other);
    return createSqlEventStore(other);
  }

  describeEventStoreContract('PGlite', {
    async open(namespace) {
      if (namespace) return storeOf(namespace);
      const store = await createSqlEventStore(db);
      expect(store.kind).toBe('pglite');
      return store;
    },
    async appendOthers(label) {
      const other = await storeOf(label);
      await other.appendToStream(`${label}-stream`, 'no_stream', [testEvent('OtherLedgers')]);
      await other.close();
    },
  });
});

describe('SQL event store on a fresh PGlite', () => {
  test('has no head and an empty log, and creates its tables only once', async () => {
    const db = await openDatabase({ dataDir: IN_MEMORY });
    try {
      const store = await createSqlEventStore(db);
      await createSqlEventStore(db);
      expect(await store.headPosition()).toBeNull();
      expect(await store.readAll({ after: null, limit: 10 })).toEqual([]);
      await store.close();
    } finally {
      await db.close();
    }
  });
});
