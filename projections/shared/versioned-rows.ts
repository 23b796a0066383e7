import { deleteRows, insertRows, type ColumnTypes } from '../../libs/database/src/bulk-rows.js';
import type { ReadModelDb } from '../engine/read-model-db.js';

/**
 * Folding of interval tables: rows valid on [from, to) (`to` null while current), keyed by an
 * entity (a seat, a purchase, a dedication). A batch loads the open rows it touches, changes them
 * in memory in log order, and writes once: changed rows that were already stored are deleted by
 * primary key and written again in their final state, together with the new ones.
 *
 * Zero-length rows ([t, t), e.g. assigned and moved at the same instant) cover no instant: they are
 * dropped, which also keeps (entity, from) unique.
 */
export interface VersionedTableSpec<
  Tables,
  Table extends keyof Tables & string,
  Row extends Record<string, unknown> = Tables[Table] & Record<string, unknown>,
> {
  readonly table: Table;
  /** Identifies the entity whose versions these are (the open row is unique per entity). */
  entityKey(row: Row): string;
  readonly fromColumn: keyof Row & string;
  readonly toColumn: keyof Row & string;
  /** Primary key columns: the entity's columns (text) and `fromColumn` (epoch ms). */
  readonly primaryKey: readonly (keyof Row & string)[];
  /** Every column, with its type (rows are inserted through `unnest` arrays). */
  readonly columns: ColumnTypes<Row>;
}

interface Entry<Row> {
  row: Row;
  /** The primary key of the stored row, when it came from the table. */
  readonly storedKey: readonly unknown[] | null;
  dirty: boolean;
}

export class VersionedRows<
  Tables,
  Table extends keyof Tables & string,
  Row extends Record<string, unknown> = Tables[Table] & Record<string, unknown>,
> {
  private readonly open = new Map<string, Entry<Row>>();
  private readonly closed: Entry<Row>[] = [];

  constructor(private readonly spec: VersionedTableSpec<Tables, Table, Row>) {}

  /** Registers open rows read from the table (their `to` is null). */
  load(rows: readonly Row[]): void {
    for (const row of rows) {
      const key = this.spec.entityKey(row);
      if (this.open.has(key)) continue;
      this.open.set(key, { row: { ...row }, storedKey: this.spec.primaryKey.map((c) => row[c]), dirty: false });
    }
  }

  current(entityKey: string): Row | undefined {
    return this.open.get(entityKey)?.row;
  }

  /** Open rows whose entity key starts with `prefix` (e.g. every seat of one user). */
  *currentWithPrefix(prefix: string): Iterable<[string, Row]> {
    for (const [key, entry] of this.open) if (key.startsWith(prefix)) yield [key, entry.row];
  }

  /** Starts a new version; the entity must have no open row (close it first). */
  start(row: Row): void {
    const key = this.spec.entityKey(row);
    if (this.open.has(key)) throw new Error(`${this.spec.table}: ${key} already has an open row`);
    this.open.set(key, { row, storedKey: null, dirty: true });
  }

  /** Ends the entity's open row at `at`; returns it (undefined when there is none). */
  end(entityKey: string, at: number): Row | undefined {
    const entry = this.open.get(entityKey);
    if (!entry) return undefined;
    this.open.delete(entityKey);
    (entry.row as Record<string, unknown>)[this.spec.toColumn] = at;
    entry.dirty = true;
    this.closed.push(entry);
    return entry.row;
  }

  /** Changes columns of the entity's open row in place. */
  update(entityKey: string, change: (row: Row) => void): boolean {
    const entry = this.open.get(entityKey);
    if (!entry) return false;
    change(entry.row);
    entry.dirty = true;
    return true;
  }

  /** Writes every changed row: stored ones are replaced (deleted by primary key, inserted again), empty ones dropped. */
  async flush(db: ReadModelDb<Tables>): Promise<void> {
    const changed = [...this.closed, ...this.open.values()].filter((e) => e.dirty);
    const { table, primaryKey, columns } = this.spec;
    const keyTypes = Object.fromEntries(primaryKey.map((c) => [c, columns[c]])) as ColumnTypes<Record<string, unknown>>;
    const stored = changed.filter((e) => e.storedKey !== null).map((e) => Object.fromEntries(primaryKey.map((c, i) => [c, e.storedKey![i]])));
    await deleteRows(db.kysely, db.table(table), keyTypes, stored);
    await insertRows(
      db.kysely,
      db.table(table),
      columns,
      changed.map((e) => e.row).filter((row) => !this.isEmpty(row)),
    );
    this.closed.length = 0;
    for (const entry of this.open.values()) entry.dirty = false;
  }

  private isEmpty(row: Row): boolean {
    const from = Number(row[this.spec.fromColumn]);
    const to = row[this.spec.toColumn];
    return to !== null && Number(to) <= from;
  }
}

/** `a\u0000b\u0000c`: a map key from ids (ids cannot contain control characters). */
export function keyOf(...parts: readonly string[]): string {
  return parts.join('\u0000');
}
