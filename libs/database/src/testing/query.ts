import { CompiledQuery, type Kysely } from 'kysely';
import type { LedgerDatabase } from '../ledger-database.js';

/**
 * Runs SQL text with `$1…` parameters through Kysely, for tests and tools that poke at tables
 * directly; product code uses Kysely's builders or the `sql` tag.
 */
export async function query<Row = Record<string, unknown>>(
  on: LedgerDatabase | Kysely<unknown>,
  text: string,
  params: readonly unknown[] = [],
): Promise<Row[]> {
  const db = 'listen' in on ? on.kysely<unknown>() : on;
  return (await db.executeQuery<Row>(CompiledQuery.raw(text, [...params]))).rows;
}
