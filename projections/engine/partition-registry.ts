import { sql, type Kysely } from 'kysely';
import type { LogPosition } from '../../libs/event-store/src/event-store.js';
import { positionOf, type GenerationRecord } from './registry.js';

/**
 * `ledger_projection_partitions` (migration 0012-projection-partitions): the checkpoints of a
 * generation split into partitions. Partition `i` of `n` folds the events of the accounts whose id
 * hashes to `i` (`partitionOfAccount`), each batch in one transaction with its own checkpoint. The
 * generation's checkpoint follows the lowest partition checkpoint (`rollUpPartitions`), so a report's
 * `asOfPosition` stays a position every event up to which is folded.
 */

export interface PartitionCheckpoint {
  readonly partition: number;
  readonly position: LogPosition | null;
  readonly eventsSeen: number;
}

interface PartitionRow {
  partition: number;
  position_commit: string | null;
  position_prepare: string | null;
  events_seen: string;
}

/**
 * The partition an account's events are folded in: FNV-1a (32 bits) of the account id's UTF-16 code
 * units, modulo `partitions`. Stable across processes and releases: changing it would move accounts
 * between partitions of a generation already split.
 */
export function partitionOfAccount(accountId: string, partitions: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < accountId.length; i++) {
    hash ^= accountId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % partitions;
}

/**
 * Splits a generation into `partitions` partitions, each starting at the generation's checkpoint;
 * a generation split already keeps its count (answered). Run with the lifecycle lock held: it
 * row-locks the generation, so it waits for a batch folding it whole to commit, and that runner's
 * next batch finds it split (`partitioned`) and stops.
 */
export async function splitGeneration(
  trx: Kysely<unknown>,
  generation: Pick<GenerationRecord, 'name' | 'generation'>,
  partitions: number,
): Promise<number> {
  const { name } = generation;
  const { rows } = await sql<{ partitions: number | null }>`SELECT partitions FROM ledger_projections
    WHERE name = ${name} AND generation = ${generation.generation} FOR UPDATE`.execute(trx);
  if (rows.length === 0) throw new Error(`projection "${name}" generation ${generation.generation} is gone`);
  if (rows[0].partitions !== null) return rows[0].partitions;
  // Partition 0 carries the events folded before the split, so that the partitions' sum is the generation's.
  await sql`INSERT INTO ledger_projection_partitions (name, generation, partition, position_commit, position_prepare, events_seen, events_folded)
    SELECT name, generation, p, position_commit, position_prepare, events_seen, CASE WHEN p = 0 THEN events_folded ELSE 0 END
    FROM ledger_projections, generate_series(0, ${partitions - 1}::integer) AS p
    WHERE name = ${name} AND generation = ${generation.generation}`.execute(trx);
  await sql`UPDATE ledger_projections SET partitions = ${partitions}, updated_at = now()
    WHERE name = ${name} AND generation = ${generation.generation}`.execute(trx);
  return partitions;
}

/** A partition's checkpoint; `lock`: row-locked until the transaction ends. Undefined once its generation was discarded. */
export async function readPartition(
  db: Kysely<unknown>,
  name: string,
  generation: number,
  partition: number,
  { lock = false }: { lock?: boolean } = {},
): Promise<PartitionCheckpoint | undefined> {
  const { rows } = await sql<PartitionRow>`SELECT partition, position_commit::text AS position_commit,
      position_prepare::text AS position_prepare, events_seen
    FROM ledger_projection_partitions WHERE name = ${name} AND generation = ${generation} AND partition = ${partition}
    ${lock ? sql`FOR UPDATE` : sql``}`.execute(db);
  return rows.map(toCheckpoint)[0];
}

/** Moves a partition's checkpoint to `position` (in the batch's transaction). */
export async function advancePartition(
  trx: Kysely<unknown>,
  target: { readonly name: string; readonly generation: number; readonly partition: number },
  position: LogPosition,
  seen: number,
  folded: number,
): Promise<void> {
  const { name, generation, partition } = target;
  await sql`UPDATE ledger_projection_partitions SET position_commit = ${String(position.commit)}::numeric,
      position_prepare = ${String(position.prepare)}::numeric, events_seen = events_seen + ${seen},
      events_folded = events_folded + ${folded}, updated_at = now()
    WHERE name = ${name} AND generation = ${generation} AND partition = ${partition}`.execute(trx);
}

/**
 * Brings the generation's checkpoint up to the lowest of its partitions' (one statement, after a
 * batch commits and on every claim round): `events_seen` the lowest too (each partition reads the
 * whole log), `events_folded` the sum. Never moves it back: a statement whose snapshot predates
 * another partition's commit computes a lower minimum, still a truthful lower bound, and leaves the
 * row alone; the roll-up after the last commit sees every partition and writes the true minimum. Not
 * in the batch's transaction, where the generation's row would be locked until commit — a lock every
 * partition waits for.
 */
export async function rollUpPartitions(db: Kysely<unknown>, name: string, generation: number, storeId: string): Promise<void> {
  await sql`WITH lowest AS (
      SELECT p.position_commit, p.position_prepare FROM ledger_projection_partitions p
      WHERE p.name = ${name} AND p.generation = ${generation}
      ORDER BY p.position_commit NULLS FIRST, p.position_prepare NULLS FIRST LIMIT 1
    ), totals AS (
      SELECT min(events_seen) AS seen, sum(events_folded) AS folded FROM ledger_projection_partitions
      WHERE name = ${name} AND generation = ${generation}
    )
    UPDATE ledger_projections g SET position_commit = lowest.position_commit, position_prepare = lowest.position_prepare,
      events_seen = totals.seen, events_folded = totals.folded, store_id = ${storeId}, last_error = NULL, updated_at = now()
    FROM lowest, totals
    WHERE g.name = ${name} AND g.generation = ${generation} AND lowest.position_commit IS NOT NULL
      AND (g.position_commit IS NULL OR (lowest.position_commit, lowest.position_prepare) > (g.position_commit, g.position_prepare))`.execute(db);
}

function toCheckpoint(row: PartitionRow): PartitionCheckpoint {
  return { partition: row.partition, position: positionOf(row), eventsSeen: Number(row.events_seen) };
}
