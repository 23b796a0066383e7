import { IN_MEMORY, openDatabase, type LedgerDatabase } from '../../../database/src/database.js';
import { describeEventStoreContract } from '../event-store.contract.js';
import { createSqlEventStore } from './sql-event-store.js';

describe('SQL event store on PGlite', () => {
  let db: LedgerDatabase;

  beforeAll(async () => {
    db = await openDatabase({ dataDir: IN_MEMORY });
  });

  afterAll(() => db.close());

  describeEventStoreContract('PGlite', async () => {
    const store = await createSqlEventStore(db);
    expect(store.kind).toBe('pglite');
    return store;
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
