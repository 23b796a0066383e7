import type { AssignmentsTables } from '../../projections/assignments.projection.js';
import { parsePosition } from '../../libs/event-store/src/event-store.js';
import { AccountLedger } from '../../libs/ledger/src/account-ledger.js';
import { ALL_PROJECTIONS } from '../../projections/catalog.js';
import { FixedClock } from '../support/fixed-clock.js';
import { accountWithSeatPool } from '../support/ledger-fixtures.js';
import { newEngine, openBackend, type Backend } from '../projections/support/projection-fixture.js';
import { compareWithFreshFold } from './support/report-drift.js';

/** The check the fault tests and the soak rely on: it finds read models that drifted from the log. */
describe('comparing the live reports with a fresh fold', () => {
  let backend: Backend;

  beforeAll(async () => {
    backend = await openBackend('postgres', 'fault_drift');
  });

  afterAll(async () => {
    await backend?.close();
  });

  test('finds nothing on projections that folded the log, and names the report of a tampered read model', async () => {
    const ledger = new AccountLedger(backend.store, new FixedClock(Date.parse('2026-01-06T12:00:00Z')), 900_000);
    const results = await ledger.executeMany(
      [
        ...accountWithSeatPool('drift', 3, 4),
        ...['u0', 'u1', 'u2'].map((userId) => ({ type: 'AssignSeat', accountId: 'drift', product: 'KSE', userId }) as const),
      ],
      { actor: 'test' },
    );
    expect(results.every((r) => r.ok)).toBe(true);
    const engine = newEngine(
      backend,
      ALL_PROJECTIONS.map((P) => new P()),
    );
    await engine.start();
    // The last append, not the head: the head may trail it while a transaction elsewhere on the server is open.
    const last = results.flatMap((r) => (r.ok && r.outcome.position ? [parsePosition(r.outcome.position)] : [])).at(-1)!;
    await engine.waitForPosition(last, 60_000);
    await engine.stop();
    const now = Date.parse('2026-01-07T00:00:00Z');

    const clean = await compareWithFreshFold(backend.db, { now });
    expect(clean.compared).toBeGreaterThan(10);
    expect(clean.differences).toEqual([]);

    const { db } = await engine.reader.reader<AssignmentsTables>('assignments');
    await db.kysely.deleteFrom('current_seats').where('user_id', '=', 'u1').execute();
    const tampered = await compareWithFreshFold(backend.db, { now });
    expect(tampered.differences.some((line) => line.startsWith('drift/assignments/KSE: '))).toBe(true);
  });
});
