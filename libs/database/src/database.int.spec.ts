import { sql } from 'kysely';
import { IN_MEMORY, openDatabase, type LedgerDatabase } from './database.js';
import { freshTestSchema, TEST_DATABASE_URL, type TestSchema } from './testing/test-postgres.js';
import { query } from './testing/query.js';

interface Notes {
  notes: { id: number; body: string };
}

describe.each(['postgres', 'pglite'] as const)('LedgerDatabase on %s', (kind) => {
  let db: LedgerDatabase;
  let testSchema: TestSchema | undefined;

  beforeAll(async () => {
    if (kind === 'postgres') {
      testSchema = freshTestSchema('database');
      db = await testSchema.open();
    } else {
      db = await openDatabase({ dataDir: IN_MEMORY });
    }
    await query(db, 'CREATE TABLE notes (id int PRIMARY KEY, body text NOT NULL)');
  });

  afterAll(async () => {
    await db.close();
    await testSchema?.drop();
  });

  beforeEach(() => query(db, 'DELETE FROM notes'));

  test('is the kind asked for, and names the schema its tables go to', () => {
    expect(db.kind).toBe(kind);
    expect(db.schema).toBe(testSchema?.schema ?? 'public');
  });

  test('runs parameterised queries and returns bigint columns as strings', async () => {
    const rows = await query<{ n: string; t: string }>(db, 'SELECT $1::bigint + 1 AS n, $2::text AS t', ['9007199254740992', 'x']);
    expect(rows).toEqual([{ n: '9007199254740993', t: 'x' }]);
  });

  test('commits a transaction and returns its result', async () => {
    const result = await db
      .kysely()
      .transaction()
      .execute(async (trx) => {
        await query(trx, 'INSERT INTO notes VALUES (1, $1)', ['kept']);
        return (await query<{ count: string }>(trx, 'SELECT count(*) FROM notes'))[0].count;
      });
    expect(result).toBe('1');
    expect(await query(db, 'SELECT body FROM notes')).toEqual([{ body: 'kept' }]);
  });

  test('rolls a transaction back when its work throws, and rethrows', async () => {
    const failure = db
      .kysely()
      .transaction()
      .execute(async (trx) => {
        await query(trx, 'INSERT INTO notes VALUES (1, $1)', ['lost']);
        throw new Error('changed my mind');
      });
    await expect(failure).rejects.toThrow('changed my mind');
    expect(await query(db, 'SELECT * FROM notes')).toEqual([]);
  });

  test('gives a Kysely instance that reads, writes and rolls back', async () => {
    const kysely = db.kysely<Notes>();
    await kysely.insertInto('notes').values({ id: 1, body: 'one' }).execute();
    await expect(
      kysely.transaction().execute(async (trx) => {
        await trx.insertInto('notes').values({ id: 2, body: 'two' }).execute();
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    const updated = await kysely.updateTable('notes').set({ body: 'uno' }).where('id', '=', 1).executeTakeFirst();
    expect(updated.numUpdatedRows).toBe(1n);
    expect(await kysely.selectFrom('notes').selectAll().execute()).toEqual([{ id: 1, body: 'uno' }]);
    expect((await sql<{ one: number }>`select 1 as one`.execute(kysely)).rows).toEqual([{ one: 1 }]);
  });

  test('delivers notifications until unlistened', async () => {
    const received: string[] = [];
    const unlisten = await db.listen('ledger_test', (payload) => received.push(payload));
    await query(db, `SELECT pg_notify('ledger_test', 'first')`);
    await waitUntil(() => received.length === 1);
    await unlisten();
    await query(db, `SELECT pg_notify('ledger_test', 'second')`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(received).toEqual(['first']);
  });
});

describe('LedgerDatabase on postgres with a schema', () => {
  const testSchema = freshTestSchema('schema');
  let db: LedgerDatabase;

  beforeAll(async () => {
    db = await testSchema.open();
  });

  afterAll(async () => {
    await db.close();
    await testSchema.drop();
  });

  test('creates the schema and puts every pooled connection in it', async () => {
    const schemas = await Promise.all(
      Array.from({ length: 15 }, () => query<{ schema: string }>(db, 'SELECT current_schema() AS schema, pg_sleep(0.02)')),
    );
    expect(new Set(schemas.map(([row]) => row.schema))).toEqual(new Set([testSchema.schema]));
    await db.kysely().schema.createTable('placed').addColumn('id', 'integer').execute();
    const tables = await query(db, 'SELECT table_schema FROM information_schema.tables WHERE table_name = $1', ['placed']);
    expect(tables).toEqual([{ table_schema: testSchema.schema }]);
  });

  test('opens a second time on the same schema (it exists already)', async () => {
    const again = await testSchema.open();
    await again.close();
  });
});

describe('openDatabase errors', () => {
  test('names the server, without its password, when PostgreSQL is unreachable', async () => {
    const failure = openDatabase({ databaseUrl: 'postgres://ledger:secret@127.0.0.1:1/ledger' });
    await expect(failure).rejects.toThrow(/^cannot open PostgreSQL at postgres:\/\/ledger:\*\*\*@127\.0\.0\.1:1\/ledger: /);
    await expect(failure).rejects.not.toThrow(/secret/);
  });

  test('refuses a schema name that is not a plain identifier', async () => {
    await expect(openDatabase({ databaseUrl: TEST_DATABASE_URL, schema: 'x; DROP TABLE y' })).rejects.toThrow(
      'schema "x; DROP TABLE y" must be a lower-case identifier',
    );
  });
});

async function waitUntil(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
