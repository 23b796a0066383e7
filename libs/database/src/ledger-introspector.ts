import { sql, type DatabaseIntrospector, type Kysely, type SchemaMetadata, type TableMetadata } from 'kysely';

/**
 * What Kysely's Migrator asks the database before migrating: its schemas and tables. Kysely's own
 * PostgreSQL introspector describes every column of every table with catalog functions, which fail
 * ("schema … does not exist") when another client drops a schema meanwhile — as test runs and
 * rebuilds (generation schemas) do on a shared server. This one reads the catalogs with plain joins,
 * which see one consistent snapshot whatever is dropped meanwhile.
 */
export class LedgerIntrospector implements DatabaseIntrospector {
  constructor(private readonly db: Kysely<unknown>) {}

  async getSchemas(): Promise<SchemaMetadata[]> {
    const { rows } = await sql<{ name: string }>`SELECT nspname AS name FROM pg_catalog.pg_namespace
      WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema' ORDER BY nspname`.execute(this.db);
    return rows;
  }

  async getTables(): Promise<TableMetadata[]> {
    const { rows } = await sql<{
      schema: string;
      table: string;
      kind: string;
      column: string | null;
      type: string | null;
      not_null: boolean | null;
      has_default: boolean | null;
    }>`SELECT n.nspname AS schema, c.relname AS table, c.relkind AS kind, a.attname AS column, t.typname AS type,
        a.attnotnull AS not_null, a.atthasdef AS has_default
      FROM pg_catalog.pg_class c
      JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
      LEFT JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
      WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema'
      ORDER BY n.nspname, c.relname, a.attnum`.execute(this.db);
    const tables = new Map<string, TableMetadata & { columns: TableMetadata['columns'] }>();
    for (const row of rows) {
      const key = `${row.schema}.${row.table}`;
      let table = tables.get(key);
      if (!table) {
        table = { schema: row.schema, name: row.table, isView: row.kind === 'v' || row.kind === 'm', isForeign: row.kind === 'f', columns: [] };
        tables.set(key, table);
      }
      if (row.column !== null) {
        table.columns.push({
          name: row.column,
          dataType: row.type ?? 'unknown',
          isNullable: row.not_null !== true,
          hasDefaultValue: row.has_default === true,
          isAutoIncrementing: false,
        });
      }
    }
    return [...tables.values()];
  }
}
