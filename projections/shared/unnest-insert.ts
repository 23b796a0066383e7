import { sql, type Kysely, type RawBuilder } from 'kysely';
import { tableRefs } from './usage-history.js';

/** The PostgreSQL type of each column a row is inserted into. */
export type ColumnTypes<Row> = { readonly [K in keyof Row & string]: 'text' | 'bigint' | 'integer' | 'smallint' | 'timestamptz' | 'date' | 'boolean' };

/** Rows per statement: the statement has one parameter per column whatever the count; this bounds its size. */
const ROWS_PER_STATEMENT = 5000;

/**
 * Inserts rows set-wise: one array parameter per column, expanded by `unnest`, so the statement text
 * and its parameter count do not grow with the rows (a `VALUES` list has one parameter per cell, which
 * PostgreSQL parses and plans row by row). `conflict` is appended as is (e.g. `ON CONFLICT DO NOTHING`).
 */
export async function insertRows<Row extends object>(
  db: Kysely<any>, table: string, types: ColumnTypes<Row>, rows: readonly Row[], conflict: RawBuilder<unknown> = sql``,
): Promise<void> {
  const columns = Object.keys(types) as (keyof Row & string)[];
  const target = tableRefs(db, [table])[table]!;
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
    const chunk = rows.slice(i, i + ROWS_PER_STATEMENT);
    const arrays = columns.map((column) => sql`${chunk.map((row) => asText(row[column]))}::${sql.raw(types[column])}[]`);
    await sql`INSERT INTO ${target} (${sql.join(columns.map((c) => sql.id(c)))})
      SELECT * FROM unnest(${sql.join(arrays)}) ${conflict}`.execute(db);
  }
}

/** Each value as its text form (how both drivers pass array elements on unambiguously); null stays null. */
function asText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  return String(value);
}
