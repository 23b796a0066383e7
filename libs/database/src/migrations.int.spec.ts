import { sql } from 'kysely';
import { IN_MEMORY, openDatabase, type LedgerDatabase } from './database.js';
import { LEDGER_MIGRATION_TABLE } from './migrate.js';
import { LEDGER_MIGRATIONS } from './migrations/index.js';
import { PREVIOUS_RELEASE_DDL, PREVIOUS_RELEASE_ROWS } from './testing/previous-release.js';
import { query } from './testing/query.js';
import { freshTestSchema } from './testing/test-postgres.js';
import { openPgliteDatabase } from './pglite-database.js';
import { openPostgresDatabase } from './postgres-database.js';
import { TEST_DATABASE_URL } from './testing/test-postgres.js';

const ALL = Object.keys(LEDGER_MIGRATIONS);

/** Columns, constraints, indexes and triggers of a schema, with its name left out: what two schemas must share. */
async function describeSchema(db: LedgerDatabase): Promise<unknown> {
  const s = db.schema;
  const strip = (text: string | null) => text?.replaceAll(`${s}.`, '') ?? null;
  const columns = await query<Record<string, string | null>>(
    db,
    `SELECT table_name, column_name, data_type, is_nullable, column_default
    FROM information_schema.columns WHERE table_schema = $1 ORDER BY table_name, column_name`,
    [s],
  );
  const constraints = await query<{ name: string; def: string }>(
    db,
    `SELECT conname AS name, pg_get_constraintdef(c.oid) AS def
    FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = $1 ORDER BY 1, 2`,
    [s],
  );
  const indexes = await query<{ name: string; def: string }>(
    db,
    `SELECT indexname AS name, indexdef AS def FROM pg_indexes WHERE schemaname = $1 ORDER BY 1`,
    [s],
  );
  const triggers = await query<{ name: string; def: string }>(
    db,
    `SELECT t.tgname AS name, pg_get_triggerdef(t.oid) AS def
    FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = $1 AND NOT t.tgisinternal ORDER BY 1`,
    [s],
  );
  return {
    columns: columns.map((c) => ({ ...c, column_default: strip(c.column_default) })),
    constraints,
    indexes: indexes.map((i) => ({ name: i.name, def: strip(i.def) })),
    triggers: triggers.map((t) => ({ name: t.name, def: strip(t.def) })),
  };
}

async function recorded(db: LedgerDatabase): Promise<string[]> {
  return (await query<{ name: string }>(db, `SELECT name FROM ${LEDGER_MIGRATION_TABLE} ORDER BY name`)).map((r) => r.name);
}

describe.each(['postgres', 'pglite'] as const)('the ledger migrations on %s', (kind) => {
  const opened: LedgerDatabase[] = [];
  const schemas: { drop(): Promise<void> }[] = [];

  /** A fresh, empty database: a PostgreSQL schema of its own, or an in-memory PGlite. */
  async function empty(label: string): Promise<{ open: () => Promise<LedgerDatabase>; raw: () => Promise<LedgerDatabase> }> {
    if (kind === 'postgres') {
      const schema = freshTestSchema(label);
      schemas.push(schema);
      const track = async (db: Promise<LedgerDatabase>) => {
        opened.push(await db);
        return opened.at(-1)!;
      };
      return {
        open: () => track(schema.open()),
        raw: () => track(openPostgresDatabase(TEST_DATABASE_URL, schema.schema)),
      };
    }
    // One PGlite in memory: opened raw first, migrated by `openDatabase`-equivalent on the same instance.
    const db = await openPgliteDatabase(IN_MEMORY, undefined);
    opened.push(db);
    const { migrateToLatest } = await import('./migrate.js');
    return { open: async () => (await migrateToLatest(db), db), raw: async () => db };
  }

  afterAll(async () => {
    for (const db of opened) await db.close().catch(() => undefined);
    for (const schema of schemas) await schema.drop();
  });

  test('run up from empty, in order, once', async () => {
    const { open } = await empty('migrate_empty');
    const db = await open();
    expect(await recorded(db)).toEqual(ALL);
    const tables = await query<{ name: string }>(db, `SELECT tablename AS name FROM pg_tables WHERE schemaname = $1 ORDER BY 1`, [db.schema]);
    expect(tables.map((t) => t.name)).toEqual(
      expect.arrayContaining(['events', 'streams', 'ledger_projections', 'ledger_api_keys', 'ledger_rejected_commands']),
    );
    const again = await open();
    expect(await recorded(again)).toEqual(ALL);
  });

  test('adopt a database left by the release before migrations: same schema as from empty, rows kept', async () => {
    const fresh = await (await empty('migrate_fresh')).open();
    const before = await empty('migrate_previous');
    const raw = await before.raw();
    for (const statement of [...PREVIOUS_RELEASE_DDL, ...PREVIOUS_RELEASE_ROWS]) await sql.raw(statement).execute(raw.kysely());
    const upgraded = await before.open();

    expect(await recorded(upgraded)).toEqual(ALL);
    expect(await describeSchema(upgraded)).toEqual(await describeSchema(fresh));
    expect(await query(upgraded, `SELECT stream_id, stream_revision::text AS revision, type FROM events`)).toEqual([
      { stream_id: 'account-acme', revision: '0', type: 'AccountOpened' },
    ]);
    expect(await query(upgraded, `SELECT key_id, role FROM ledger_api_keys`)).toEqual([{ key_id: 'k1', role: 'auditor' }]);
    expect(await query(upgraded, `SELECT command_id, code FROM ledger_rejected_commands`)).toEqual([{ command_id: 'cmd-1', code: 'NOT_FOUND' }]);
    expect(await query(upgraded, `SELECT name, generation, status FROM ledger_projections`)).toEqual([
      { name: 'sessions', generation: 1, status: 'active' },
    ]);
  });

  test('refuse a database migrated by a newer release, naming the migration', async () => {
    const { open } = await empty('migrate_newer');
    const db = await open();
    await query(db, `INSERT INTO ${LEDGER_MIGRATION_TABLE} (name, timestamp) VALUES ('9999-from-the-future', '2030-01-01T00:00:00Z')`);
    await expect(open()).rejects.toThrow(/migrated by a newer release of License Ledger .*9999-from-the-future.*upgrade this installation/);
  });
});

describe('the ledger migrations on postgres, from several processes at once', () => {
  const schema = freshTestSchema('migrate_race');
  const opened: LedgerDatabase[] = [];

  afterAll(async () => {
    for (const db of opened) await db.close();
    await schema.drop();
  });

  test('every process opens a migrated database; each migration runs once', async () => {
    opened.push(...(await Promise.all([schema.open(), schema.open(), schema.open()])));
    expect(await recorded(opened[0]!)).toEqual(ALL);
  });

  test('a failed migration leaves nothing half done and names itself', async () => {
    const db = await openDatabase({ databaseUrl: TEST_DATABASE_URL, schema: schema.schema });
    opened.push(db);
    await query(db, 'DROP TABLE ledger_rejected_commands');
    await query(db, 'DROP TABLE ledger_api_keys');
    // 0003 and everything after it are to run again; 0003 comes first, so none after it runs.
    await query(db, `DELETE FROM ${LEDGER_MIGRATION_TABLE} WHERE name >= '0003'`);
    await query(db, `CREATE VIEW ledger_api_keys AS SELECT 1 AS x`); // 0003 cannot index a view: it fails
    await expect(schema.open()).rejects.toThrow(/cannot migrate the ledger's tables in schema .*: migration 0003-api-keys failed/);
    expect(await recorded(db)).toEqual(['0001-event-store', '0002-projection-registry']);
    expect(await query(db, `SELECT to_regclass('ledger_rejected_commands') AS t`)).toEqual([{ t: null }]);
  });
});
