import { PGlite } from '@electric-sql/pglite';
import { Kysely, sql } from 'kysely';
import { PgliteDialect } from './pglite-dialect.js';

interface Tables {
  items: { id: number; name: string };
}

describe('PgliteDialect', () => {
  let pglite: PGlite;
  let db: Kysely<Tables>;

  beforeAll(async () => {
    pglite = await PGlite.create();
    db = new Kysely<Tables>({ dialect: new PgliteDialect(pglite) });
    await db.schema
      .createTable('items')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('name', 'text')
      .execute();
  });

  afterAll(async () => {
    await db.destroy();
    expect(pglite.closed).toBe(false); // the dialect does not own PGlite
    await pglite.close();
  });

  beforeEach(() => db.deleteFrom('items').execute());

  test('compiles PostgreSQL and runs it on PGlite', async () => {
    const query = db.selectFrom('items').select('name').where('id', '=', 1);
    expect(query.compile().sql).toBe('select "name" from "items" where "id" = $1');
    await db.insertInto('items').values({ id: 1, name: 'first' }).execute();
    expect(await query.execute()).toEqual([{ name: 'first' }]);
  });

  test('reports affected rows', async () => {
    await db
      .insertInto('items')
      .values([
        { id: 1, name: 'a' },
        { id: 2, name: 'b' },
      ])
      .execute();
    const result = await db.deleteFrom('items').where('id', '>', 0).executeTakeFirst();
    expect(result.numDeletedRows).toBe(2n);
  });

  test('commits a transaction, with its settings applied', async () => {
    const isolation = await db
      .transaction()
      .setIsolationLevel('serializable')
      .execute(async (trx) => {
        await trx.insertInto('items').values({ id: 1, name: 'kept' }).execute();
        return (await sql<{ transaction_isolation: string }>`show transaction_isolation`.execute(trx)).rows[0];
      });
    expect(isolation).toEqual({ transaction_isolation: 'serializable' });
    expect(await db.selectFrom('items').select('name').execute()).toEqual([{ name: 'kept' }]);
  });

  test('rolls back a transaction that throws', async () => {
    await expect(
      db.transaction().execute(async (trx) => {
        await trx.insertInto('items').values({ id: 1, name: 'lost' }).execute();
        throw new Error('nope');
      }),
    ).rejects.toThrow('nope');
    expect(await db.selectFrom('items').selectAll().execute()).toEqual([]);
  });

  test('rolls back a transaction whose statement failed, and stays usable', async () => {
    await db.insertInto('items').values({ id: 1, name: 'one' }).execute();
    await expect(db.transaction().execute((trx) => trx.insertInto('items').values({ id: 1, name: 'duplicate' }).execute())).rejects.toThrow(
      /duplicate key/,
    );
    expect(await db.selectFrom('items').select('name').execute()).toEqual([{ name: 'one' }]);
  });

  test('makes queries outside a transaction wait until it ends', async () => {
    let releaseTransaction = (): void => {};
    const transaction = db.transaction().execute(async (trx) => {
      await trx.insertInto('items').values({ id: 1, name: 'inside' }).execute();
      await new Promise<void>((resolve) => (releaseTransaction = resolve));
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    let outsideSaw: unknown[] | null = null;
    const outside = db
      .selectFrom('items')
      .select('name')
      .execute()
      .then((rows) => (outsideSaw = rows));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(outsideSaw).toBeNull();
    releaseTransaction();
    await Promise.all([transaction, outside]);
    expect(outsideSaw).toEqual([{ name: 'inside' }]);
  });
});
