import { WrongExpectedRevisionError } from '../../event-store/src/event-store.js';
import { createSqlEventStore } from '../../event-store/src/sql/sql-event-store.js';
import { testEvent } from '../../event-store/src/testing/event-store-probes.js';
import { IN_MEMORY, openDatabase, type LedgerDatabase } from '../../database/src/database.js';
import { LedgerMetrics } from './ledger-metrics.js';
import { MeteredEventStore } from './metered-event-store.js';

describe('MeteredEventStore', () => {
  let db: LedgerDatabase;
  beforeAll(async () => {
    db = await openDatabase({ dataDir: IN_MEMORY });
  });
  afterAll(() => db.close());

  it('counts and times appends by outcome: accepted, conflict (wrong expected revision), failed', async () => {
    const metrics = new LedgerMetrics();
    const store = new MeteredEventStore(await createSqlEventStore(db), metrics);
    expect(store.kind).toBe('pglite');

    await store.appendToStream('account-m', 'no_stream', [testEvent('First')]);
    await store.appendToStream('account-m', 0n, [testEvent('Second')]);
    await expect(store.appendToStream('account-m', 0n, [testEvent('Stale')])).rejects.toBeInstanceOf(WrongExpectedRevisionError);
    await expect(store.appendToStream('account-m', 1n, [])).rejects.toBeInstanceOf(RangeError);
    expect((await store.readStream('account-m')).map((e) => e.type)).toEqual(['First', 'Second']);

    const text = await metrics.registry.metrics();
    expect(text).toContain('ledger_appends_total{outcome="accepted"} 2');
    expect(text).toContain('ledger_appends_total{outcome="conflict"} 1');
    expect(text).toContain('ledger_appends_total{outcome="failed"} 1');
    expect(text).toContain('ledger_append_duration_seconds_count{outcome="accepted"} 2');
  });
});
