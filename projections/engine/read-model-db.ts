import { sql, type Kysely, type RawBuilder } from 'kysely';

/**
 * An instant in a read model: epoch milliseconds in a `bigint` column, the one representation of
 * time in read models (docs/decisions.md). Written as a number; both drivers read bigint back as
 * text, which `ms()` turns into a number.
 */
export type EpochMs = number | string;

/** Epoch ms from a bigint column (returned as a string by both drivers). */
export function ms(value: EpochMs): number {
  return typeof value === 'number' ? value : Number(value);
}

export function msOrNull(value: EpochMs | null): number | null {
  return value === null ? null : ms(value);
}

/**
 * One generation's read-model tables, as the engine hands them to a projection (`apply`, inside the
 * batch's transaction) and to reports (`ProjectionReader.reader`): Kysely scoped to the generation's
 * schema, so builders name tables plainly, and the schema itself for raw SQL, which `withSchema`
 * does not reach (`table('sessions')` → `"<schema>"."sessions"`).
 */
export interface ReadModelDb<Tables> {
  readonly kysely: Kysely<Tables>;
  readonly schema: string;
  /** A table of this generation, qualified, for raw `sql` (never spliced as text). */
  table(name: keyof Tables & string): RawBuilder<unknown>;
  /**
   * The same tables seen through a part of them, for a helper shared by several read models (e.g.
   * the directory tables): allowed only when `Tables` has every table of `Part`, as typed.
   */
  part<Part>(): Tables extends Part ? ReadModelDb<Part> : never;
}

/** The read model of `schema` over `db` (a Kysely instance or a transaction, unscoped). */
export function readModelDb<Tables>(db: Kysely<unknown>, schema: string): ReadModelDb<Tables> {
  return new GenerationDb<Tables>(db.withSchema(schema) as Kysely<Tables>, schema);
}

class GenerationDb<Tables> implements ReadModelDb<Tables> {
  constructor(
    readonly kysely: Kysely<Tables>,
    readonly schema: string,
  ) {}

  table(name: keyof Tables & string): RawBuilder<unknown> {
    return sql.id(this.schema, name);
  }

  part<Part>(): Tables extends Part ? ReadModelDb<Part> : never {
    // Kysely<T> is invariant in T; `Tables extends Part` (checked in the signature) makes this view sound.
    return this as unknown as Tables extends Part ? ReadModelDb<Part> : never;
  }
}
