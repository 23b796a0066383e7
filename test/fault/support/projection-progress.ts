import type { LedgerDatabase } from '../../../libs/database/src/database.js';
import { ALL_PROJECTIONS } from '../../../projections/catalog.js';
import type { GenerationRecord } from '../../../projections/engine/registry.js';
import type { Projection } from '../../../projections/projection.js';
import { pollUntil } from './ledger-process.js';
import { query } from '../../../libs/database/src/testing/query.js';

/**
 * Whether every projection's active generation has folded up to the newest event in the table.
 * Not `lagEvents`: that counts only events readers may take, and a transaction open anywhere on the
 * server (another test, another client) hides those committed after it began.
 */
export async function projectionsAtLogEnd(database: LedgerDatabase): Promise<boolean> {
  const [row] = await query<{ at_end: string }>(
    database,
    `
    SELECT count(*)::text AS at_end FROM ledger_projections p, (
      SELECT transaction_id::text::numeric AS c, global_position AS g FROM events ORDER BY transaction_id DESC, global_position DESC LIMIT 1
    ) newest
    WHERE p.status = 'active' AND p.position_commit = newest.c AND p.position_prepare = newest.g`,
  );
  return Number(row.at_end) === ALL_PROJECTIONS.length;
}

/** Polls until every projection has folded the whole log; throws after `timeoutMs`. */
export async function waitForProjectionsAtLogEnd(database: LedgerDatabase, timeoutMs: number): Promise<void> {
  await pollUntil(
    'every projection to fold the whole log',
    async () => {
      try {
        return (await projectionsAtLogEnd(database)) ? true : undefined;
      } catch {
        return undefined; // the registry does not exist before the first projector starts
      }
    },
    timeoutMs,
    50,
  );
}

interface FoldCount {
  readonly name: string;
  readonly seen: number;
  readonly folded: number;
}

/**
 * Per projection, what its active generation read through and handed to `apply` (`actual`), and what
 * folding each event of the log exactly once gives (`expected`: every event seen, each of its types folded).
 */
export async function foldCounts(
  database: LedgerDatabase,
  projections: readonly Pick<Projection, 'name' | 'eventTypes'>[],
  generations: readonly GenerationRecord[],
  eventCount: number,
): Promise<{ actual: FoldCount[]; expected: FoldCount[] }> {
  const actual: FoldCount[] = [];
  const expected: FoldCount[] = [];
  for (const projection of projections) {
    const generation = generations.find((g) => g.name === projection.name && g.status === 'active');
    const [{ n }] = await query<{ n: string }>(database, 'SELECT count(*)::text AS n FROM events WHERE type = ANY($1::text[])', [
      [...projection.eventTypes],
    ]);
    actual.push({ name: projection.name, seen: generation?.eventsSeen ?? 0, folded: generation?.eventsFolded ?? 0 });
    expected.push({ name: projection.name, seen: eventCount, folded: Number(n) });
  }
  return { actual, expected };
}
