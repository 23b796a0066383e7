import { sql, type Kysely } from 'kysely';
import type { Projection } from '../projection.js';

/** PostgreSQL truncates identifiers longer than this, so a longer schema name would clash. */
const MAX_IDENTIFIER_LENGTH = 63;

const PROJECTION_NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** Kebab-case only, so that `a-b` and `a_b` cannot end up in the same schema. */
export function assertProjectionName(name: string): void {
  if (!PROJECTION_NAME.test(name)) {
    throw new Error(`projection name "${name}" must be kebab-case: lower-case letters and digits separated by single dashes`);
  }
}

/**
 * The schema of one generation: `rm_<name with _>_g<generation>`, prefixed by the database's own
 * schema when that isn't `public`, so that ledgers (and test runs) sharing a server stay apart.
 */
export function generationSchema(baseSchema: string, name: string, generation: number): string {
  const own = `rm_${name.replaceAll('-', '_')}_g${generation}`;
  const schema = baseSchema === 'public' ? own : `${baseSchema}_${own}`;
  if (schema.length > MAX_IDENTIFIER_LENGTH) {
    throw new Error(`schema name ${schema} of projection "${name}" is longer than ${MAX_IDENTIFIER_LENGTH} characters: shorten the projection name or DATABASE_SCHEMA`);
  }
  return schema;
}

/** Creates the generation's schema and the projection's tables in it; a leftover schema of that name is dropped first. */
export async function createGenerationSchema(trx: Kysely<unknown>, schema: string, projection: Projection): Promise<void> {
  await dropGenerationSchema(trx, schema);
  await sql`CREATE SCHEMA ${sql.id(schema)}`.execute(trx);
  await projection.createTables(trx.withSchema(schema));
}

export async function dropGenerationSchema(db: Kysely<unknown>, schema: string): Promise<void> {
  await sql`DROP SCHEMA IF EXISTS ${sql.id(schema)} CASCADE`.execute(db);
}

/**
 * Gathers planner statistics on every table of a freshly filled generation. Switched to before
 * autovacuum got to it, its tables would be planned as empty ones (nested loops over thousands of rows).
 */
export async function analyzeGenerationSchema(db: Kysely<unknown>, schema: string): Promise<void> {
  const tables = await sql<{ name: string }>`SELECT tablename AS name FROM pg_tables WHERE schemaname = ${schema} ORDER BY tablename`.execute(db);
  for (const { name } of tables.rows) await sql`ANALYZE ${sql.id(schema, name)}`.execute(db);
}
