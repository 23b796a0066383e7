import { IN_MEMORY, openDatabase, type LedgerDatabase } from '../../database/src/database.js';
import { createEventStore } from './create-event-store.js';
import { query } from '../../database/src/testing/query.js';

describe('createEventStore', () => {
  let database: LedgerDatabase;

  beforeAll(async () => {
    database = await openDatabase({ dataDir: IN_MEMORY });
  });

  afterAll(() => database.close());

  test('keeps the events in the database when no EVENTSTORE_URL is given, creating its tables', async () => {
    const store = await createEventStore({ database });
    expect(store.kind).toBe('pglite');
    expect(await query(database, `SELECT to_regclass('events') IS NOT NULL AS exists`)).toEqual([{ exists: true }]);
    await store.close();
  });

  test('connects to EventStoreDB for an esdb:// URL at once, and fails clearly without echoing credentials when it cannot', async () => {
    const failure = createEventStore({ eventStoreUrl: 'esdb://admin:changeit@127.0.0.1:1?tls=false', database });
    await expect(failure).rejects.toThrow(/^EventStoreDB \(EVENTSTORE_URL\) cannot be reached: /);
    await expect(failure).rejects.not.toThrow(/changeit/);
  });

  test("refuses an EventStoreDB stream prefix that could overlap another ledger's", async () => {
    const failure = createEventStore({ eventStoreUrl: 'esdb://127.0.0.1:1?tls=false', streamPrefix: 'a.b', database });
    await expect(failure).rejects.toThrow('the EventStoreDB stream prefix must be 1–64 letters, digits or _ (got "a.b")');
  });

  test('refuses any other URL without echoing it', async () => {
    const failure = createEventStore({ eventStoreUrl: 'https://admin:changeit@events.example.com', database });
    await expect(failure).rejects.toThrow('EVENTSTORE_URL must start with esdb:// or esdb+discover:// (it starts with "https:")');
    await expect(failure).rejects.not.toThrow(/changeit/);
  });
});
