import { sql, type QueryExecutorProvider, type RawBuilder } from 'kysely';

/** The PostgreSQL type of a column written set-wise. */
export type SqlColumnType = 'text' | 'bigint' | 'integer' | 'smallint' | 'boolean' | 'date' | 'jsonb';

/** The type of each column of `Row` (every column, checked against the row's Kysely interface). */
export type ColumnTypes<Row> = { readonly [K in keyof Row & string]-?: SqlColumnType };

/** Column name → type: what a bulk statement writes. */
export type ColumnTypeMap = Readonly<Record<string, SqlColumnType>>;

/** A row with (at least) the columns of `Types`. */
export type RowOf<Types extends ColumnTypeMap> = { readonly [K in keyof Types]: unknown };

/** Rows per statement: a statement has one parameter per column whatever the row count; this bounds its size. */
const ROWS_PER_STATEMENT = 5000;

/**
 * The one way rows travel to the database in bulk: one array parameter per column, expanded by
 * `unnest` into `alias(col, …)`, so the statement's text and parameter count do not grow with the
 * rows (a VALUES list has one parameter per cell, which PostgreSQL parses and plans row by row). Use
 * it as the source of an INSERT, an UPDATE … FROM or a DELETE … USING.
 */
export function unnestRows<Types extends ColumnTypeMap>(types: Types, rows: readonly RowOf<Types>[], alias = 'k'): RawBuilder<unknown> {
  const columns = Object.keys(types) as (keyof Types & string)[];
  const arrays = columns.map((column) => sql`${rows.map((row) => asText(row[column]))}::${sql.raw(types[column])}[]`);
  return sql`unnest(${sql.join(arrays)}) AS ${sql.id(alias)}(${sql.join(columns.map((c) => sql.id(c)))})`;
}

export interface InsertRowsOptions {
  /** The table's alias in the statement (for `conflict` expressions naming the stored row). */
  readonly as?: string;
  /** Appended as is: `ON CONFLICT DO NOTHING`, or an upsert (see `updateOnConflict`). */
  readonly conflict?: RawBuilder<unknown>;
}

/** Inserts rows set-wise into `table` (a qualified table from `ReadModelDb.table`, or a plain one), in chunks. */
export async function insertRows<Types extends ColumnTypeMap>(
  db: QueryExecutorProvider,
  table: RawBuilder<unknown>,
  types: Types,
  rows: readonly RowOf<Types>[],
  options: InsertRowsOptions = {},
): Promise<void> {
  const columns = sql.join(Object.keys(types).map((c) => sql.id(c)));
  const target = options.as === undefined ? table : sql`${table} AS ${sql.id(options.as)}`;
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
    await sql`INSERT INTO ${target} (${columns}) SELECT * FROM ${unnestRows(types, rows.slice(i, i + ROWS_PER_STATEMENT))}
      ${options.conflict ?? sql``}`.execute(db);
  }
}

/** `ON CONFLICT (keys) DO UPDATE SET c = excluded.c` for every other column (DO NOTHING when there is none). */
export function updateOnConflict<Types extends ColumnTypeMap>(types: Types, keys: readonly (keyof Types & string)[]): RawBuilder<unknown> {
  const updates = Object.keys(types).filter((c) => !keys.includes(c));
  const target = sql.join(keys.map((k) => sql.id(k)));
  return updates.length === 0
    ? sql`ON CONFLICT (${target}) DO NOTHING`
    : sql`ON CONFLICT (${target}) DO UPDATE SET ${sql.join(updates.map((c) => sql`${sql.id(c)} = excluded.${sql.id(c)}`))}`;
}

/** Deletes the rows of `table` whose `keys` columns equal those of one of `rows`, in chunks. */
export async function deleteRows<Types extends ColumnTypeMap>(
  db: QueryExecutorProvider,
  table: RawBuilder<unknown>,
  types: Types,
  rows: readonly RowOf<Types>[],
): Promise<void> {
  const match = sql.join(
    Object.keys(types).map((c) => sql`t.${sql.id(c)} = k.${sql.id(c)}`),
    sql` AND `,
  );
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
    await sql`DELETE FROM ${table} AS t USING ${unnestRows(types, rows.slice(i, i + ROWS_PER_STATEMENT))} WHERE ${match}`.execute(db);
  }
}

/**
 * Each value as its text form (how both drivers pass array elements on unambiguously, a bigint beyond
 * 2^53 included); booleans stay booleans (PGlite takes no text for a boolean[] element); null stays null.
 */
function asText(value: unknown): string | boolean | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
