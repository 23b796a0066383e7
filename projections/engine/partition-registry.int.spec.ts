import type { LedgerDatabase } from '../../libs/database/src/ledger-database.js';
import { freshTestSchema, type TestSchema } from '../../libs/database/src/testing/test-postgres.js';
import type { LogPosition } from '../../libs/event-store/src/event-store.js';
import { advancePartition, readPartition, rollUpPartitions, splitGeneration } from './partition-registry.js';
import { advanceCheckpoint, insertGeneration, readGeneration } from './registry.js';

const at = (commit: number): LogPosition => ({ commit: BigInt(commit), prepare: BigInt(commit) });
const STORE = 'store-1';

describe('partition checkpoints on PostgreSQL', () => {
  let schema: TestSchema;
  let database: LedgerDatabase;
  const db = () => database.kysely<unknown>();

  beforeAll(async () => {
    schema = freshTestSchema('partitions_registry');
    database = await schema.open();
  });
  afterAll(async () => {
    await database.close();
    await schema.drop();
  });

  test('a split starts every partition at the generation checkpoint, once; the generation follows the lowest partition, never back', async () => {
    await insertGeneration(db(), { name: 'sessions', generation: 1, version: 1, rules: '{}', status: 'active' });
    await advanceCheckpoint(db(), 'sessions', 1, STORE, at(100), 100, 40);

    expect(
      await db()
        .transaction()
        .execute((trx) => splitGeneration(trx, { name: 'sessions', generation: 1 }, 3)),
    ).toBe(3);
    expect(
      await db()
        .transaction()
        .execute((trx) => splitGeneration(trx, { name: 'sessions', generation: 1 }, 5)),
    ).toBe(3);
    for (const partition of [0, 1, 2]) {
      expect(await readPartition(db(), 'sessions', 1, partition)).toEqual({ partition, position: at(100), eventsSeen: 100 });
    }
    expect(await readPartition(db(), 'sessions', 1, 3)).toBeUndefined();

    const advance = (partition: number, position: number, seen: number, folded: number) =>
      db()
        .transaction()
        .execute((trx) => advancePartition(trx, { name: 'sessions', generation: 1, partition }, at(position), seen, folded));
    await advance(0, 300, 200, 10);
    await advance(1, 200, 100, 5);
    await rollUpPartitions(db(), 'sessions', 1, STORE);
    // Partition 2 is still at 100: so is the generation.
    expect(await readGeneration(db(), 'sessions', 1)).toMatchObject({ position: at(100), partitions: 3, eventsSeen: 100, eventsFolded: 40 });

    await advance(2, 400, 300, 7);
    await rollUpPartitions(db(), 'sessions', 1, STORE);
    // The lowest partition (1, at 200); events seen: the lowest; folded: before the split + every partition's.
    expect(await readGeneration(db(), 'sessions', 1)).toMatchObject({ position: at(200), eventsSeen: 200, eventsFolded: 62, storeId: STORE });

    // A roll-up that computes a lower minimum than the one written (a snapshot taken before another commit) leaves it.
    await advanceCheckpoint(db(), 'sessions', 1, STORE, at(250), 0, 0);
    await rollUpPartitions(db(), 'sessions', 1, STORE);
    expect((await readGeneration(db(), 'sessions', 1))?.position).toEqual(at(250));
  });
});
