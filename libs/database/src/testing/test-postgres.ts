import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type LedgerDatabase } from '../database.js';

/** The PostgreSQL server tests use; each run works in a fresh schema of its own. */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestSchema {
  readonly schema: string;
  /** Opens one more database (own pool) on the same schema, like a second process would. */
  open(): Promise<LedgerDatabase>;
  /** Drops the schema and everything in it. Close the databases opened on it first. */
  drop(): Promise<void>;
}

export function freshTestSchema(label: string): TestSchema {
  const schema = `test_${label}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  return {
    schema,
    open: () => openDatabase({ databaseUrl: TEST_DATABASE_URL, schema }),
    drop: () => dropSchemaWithGenerations(TEST_DATABASE_URL, schema),
  };
}

/** Drops `schema` and the projection generation schemas named after it (`<schema>_rm_…`). */
export async function dropSchemaWithGenerations(databaseUrl: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string }>(`SELECT nspname AS name FROM pg_namespace WHERE nspname = $1 OR nspname LIKE $2`, [
      schema,
      `${schema}\\_rm\\_%`,
    ]);
    for (const { name } of rows) await client.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`);
  } finally {
    await client.end();
  }
}
