import { sql, type Kysely } from 'kysely';
import { runMigrations } from '../../libs/database/src/migrate.js';
import type { Projection } from '../projection.js';

/** Where a generation records the migrations that created its tables, in its own schema. */
export const GENERATION_MIGRATION_TABLE = 'ledger_migrations';

/** `v<version>-…`: a projection's migration is named after the version that introduced it. */
const MIGRATION_NAME = /^v(\d+)-[a-z0-9-]+$/;

/** PostgreSQL truncates identifiers longer than this, so a longer schema name would clash. */
const MAX_IDENTIFIER_LENGTH = 63;

const PROJECTION_NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** Kebab-case only, so that `a-b` and `a_b` cannot end up in the same schema. */
export function assertProjectionName(name: string): void {
  if (!PROJECTION_NAME.test(name)) {
    throw new Error(`projection name "${name}" must be kebab-case: lower-case letters and digits separated by single dashes`);
  }
}

/** The version whose tables this code reads: that of the projection's latest migration. */
export function tablesVersion(projection: Pick<Projection, 'migrations'>): number {
  return Math.max(0, ...Object.keys(projection.migrations).map((name) => Number(MIGRATION_NAME.exec(name)?.[1] ?? 0)));
}

/**
 * A projection's migrations are named `v<N>-…` after the version that introduced them, and none
 * comes from a later version: a generation is never migrated in place, so changing a read model's
 * tables must come with a version bump, whose rebuild creates a generation with them.
 */
export function assertProjectionMigrations(projection: Pick<Projection, 'name' | 'version' | 'migrations'>): void {
  const names = Object.keys(projection.migrations);
  if (names.length === 0) throw new Error(`projection "${projection.name}" has no migrations: nothing would create its tables`);
  for (const name of names) {
    const match = MIGRATION_NAME.exec(name);
    if (!match)
      throw new Error(`projection "${projection.name}": migration "${name}" must be named v<version>-<what>, e.g. v${projection.version}-tables`);
    if (Number(match[1]) > projection.version) {
      throw new Error(
        `projection "${projection.name}": migration "${name}" belongs to version ${match[1]}, but the projection is at version ${projection.version}: ` +
          'bump its version, so that a rebuild creates a generation with the new tables',
      );
    }
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
    throw new Error(
      `schema name ${schema} of projection "${name}" is longer than ${MAX_IDENTIFIER_LENGTH} characters: shorten the projection name or DATABASE_SCHEMA`,
    );
  }
  return schema;
}

/**
 * Creates the generation's schema and the projection's tables in it, by its migrations (Kysely's
 * Migrator, recorded in the generation's own migration table); a leftover schema of that name is
 * dropped first. Runs inside the caller's transaction.
 */
export async function createGenerationSchema(trx: Kysely<unknown>, schema: string, projection: Projection): Promise<void> {
  await dropGenerationSchema(trx, schema);
  await sql`CREATE SCHEMA ${sql.id(schema)}`.execute(trx);
  await runMigrations(trx.withSchema(schema), {
    migrations: projection.migrations,
    schema,
    table: GENERATION_MIGRATION_TABLE,
    what: `the tables of projection "${projection.name}"`,
  });
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
