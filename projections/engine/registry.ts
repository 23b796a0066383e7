import { sql, type Kysely } from 'kysely';
import type { LogPosition } from '../../libs/event-store/src/event-store.js';

/**
 * `ledger_projections`, in the database's own schema (created by
 * libs/database/src/migrations/0002-projection-registry.ts): one row per generation of each
 * projection, holding its checkpoint. A batch's read-model writes and the checkpoint row commit together.
 */

export type GenerationStatus = 'active' | 'building' | 'retired';

export interface GenerationRecord {
  readonly name: string;
  readonly generation: number;
  /** The projection's version that builds this generation. */
  readonly version: number;
  /** The ProjectionContext it is built with (JSON): another one calls for a rebuild, like a version bump. */
  readonly rules: string;
  readonly status: GenerationStatus;
  /** The last event folded in (or skipped); null before the first batch. */
  readonly position: LogPosition | null;
  /** The event store (`EventStore.storeId`) `position` belongs to; null before the first batch. */
  readonly storeId: string | null;
  /** Why the generation may never fold again (its checkpoint was found past the end of the log); null while it may. */
  readonly halted: string | null;
  /**
   * Into how many partitions its folding is split (partition-registry.ts): then each partition has a
   * checkpoint of its own and `position` is the lowest of them. Null: one runner folds it whole.
   */
  readonly partitions: number | null;
  /** Events read through, folded or skipped: rebuild progress. */
  readonly eventsSeen: number;
  /** Events handed to `apply`. */
  readonly eventsFolded: number;
  readonly lastError: string | null;
  readonly startedAt: Date;
  readonly updatedAt: Date;
}

export interface RegistryTables {
  ledger_projections: GenerationRow;
}

interface GenerationRow {
  name: string;
  generation: number;
  version: number;
  rules: string;
  status: GenerationStatus;
  position_commit: string | null;
  position_prepare: string | null;
  store_id: string | null;
  halted: string | null;
  partitions: number | null;
  events_seen: string;
  events_folded: string;
  last_error: string | null;
  started_at: Date;
  updated_at: Date;
}

const COLUMNS = sql`name, generation, version, rules, status, position_commit::text AS position_commit,
  position_prepare::text AS position_prepare, store_id, halted, partitions, events_seen, events_folded, last_error, started_at, updated_at`;

/** The generations of the named projections (all of them when `names` is omitted), oldest first. */
export async function readGenerations(db: Kysely<unknown>, names?: readonly string[]): Promise<GenerationRecord[]> {
  const filter = names ? sql`WHERE name = ANY(${[...names]}::text[])` : sql``;
  const { rows } = await sql<GenerationRow>`SELECT ${COLUMNS} FROM ledger_projections ${filter} ORDER BY name, generation`.execute(db);
  return rows.map(toRecord);
}

export async function readGeneration(db: Kysely<unknown>, name: string, generation: number): Promise<GenerationRecord | undefined> {
  const { rows } = await sql<GenerationRow>`SELECT ${COLUMNS} FROM ledger_projections
    WHERE name = ${name} AND generation = ${generation}`.execute(db);
  return rows.map(toRecord)[0];
}

/** The active generation's number and checkpoint: what a report reads. */
export async function readActive(
  db: Kysely<unknown>,
  name: string,
): Promise<{ generation: number; version: number; position: LogPosition | null } | undefined> {
  const { rows } = await sql<Pick<GenerationRow, 'generation' | 'version' | 'position_commit' | 'position_prepare'>>`
    SELECT generation, version, position_commit::text AS position_commit, position_prepare::text AS position_prepare
    FROM ledger_projections WHERE name = ${name} AND status = 'active'`.execute(db);
  return rows.map((row) => ({ generation: row.generation, version: row.version, position: positionOf(row) }))[0];
}

/** Row-locks a generation's checkpoint until the transaction ends; undefined once it was discarded. */
export async function lockCheckpoint(
  trx: Kysely<unknown>,
  name: string,
  generation: number,
): Promise<
  { status: GenerationStatus; position: LogPosition | null; storeId: string | null; halted: string | null; partitions: number | null } | undefined
> {
  const { rows } = await sql<Pick<GenerationRow, 'status' | 'position_commit' | 'position_prepare' | 'store_id' | 'halted' | 'partitions'>>`
    SELECT status, position_commit::text AS position_commit, position_prepare::text AS position_prepare, store_id, halted, partitions
    FROM ledger_projections WHERE name = ${name} AND generation = ${generation} FOR UPDATE`.execute(trx);
  return rows.map((row) => ({
    status: row.status,
    position: positionOf(row),
    storeId: row.store_id,
    halted: row.halted,
    partitions: row.partitions,
  }))[0];
}

/**
 * Stops a generation from ever folding again: once its checkpoint was past the end of the log, the
 * log that grows there holds other events than those it folded, so only a rebuild can be right.
 */
export async function haltGeneration(db: Kysely<unknown>, name: string, generation: number, reason: string): Promise<void> {
  await sql`UPDATE ledger_projections SET halted = ${reason}, last_error = ${reason}, updated_at = now()
    WHERE name = ${name} AND generation = ${generation}`.execute(db);
}

/** Moves the checkpoint to `position` of the log `storeId`. */
export async function advanceCheckpoint(
  trx: Kysely<unknown>,
  name: string,
  generation: number,
  storeId: string,
  position: LogPosition,
  seen: number,
  folded: number,
): Promise<void> {
  await sql`UPDATE ledger_projections SET position_commit = ${String(position.commit)}::numeric,
      position_prepare = ${String(position.prepare)}::numeric, store_id = ${storeId}, events_seen = events_seen + ${seen},
      events_folded = events_folded + ${folded}, last_error = NULL, updated_at = now()
    WHERE name = ${name} AND generation = ${generation}`.execute(trx);
}

export async function recordFailure(db: Kysely<unknown>, name: string, generation: number, message: string): Promise<void> {
  await sql`UPDATE ledger_projections SET last_error = ${message}, updated_at = now()
    WHERE name = ${name} AND generation = ${generation}`.execute(db);
}

export async function insertGeneration(
  trx: Kysely<unknown>,
  record: Pick<GenerationRecord, 'name' | 'generation' | 'version' | 'rules' | 'status'>,
): Promise<void> {
  await sql`INSERT INTO ledger_projections (name, generation, version, rules, status)
    VALUES (${record.name}, ${record.generation}, ${record.version}, ${record.rules}, ${record.status})`.execute(trx);
}

export async function deleteGeneration(trx: Kysely<unknown>, name: string, generation: number): Promise<void> {
  await sql`DELETE FROM ledger_projections WHERE name = ${name} AND generation = ${generation}`.execute(trx);
}

/**
 * Makes a building generation the active one and retires the previous active one, if the
 * generation is still building. Answers whether it switched, and which generation it retired.
 */
export async function activateGeneration(
  trx: Kysely<unknown>,
  name: string,
  generation: number,
): Promise<{ switched: boolean; retired: number | null }> {
  const current = await lockCheckpoint(trx, name, generation);
  if (current?.status !== 'building') return { switched: false, retired: null };
  // Retire first: the unique index allows one active generation at a time.
  const { rows } = await sql<{ generation: number }>`UPDATE ledger_projections SET status = 'retired', updated_at = now()
    WHERE name = ${name} AND status = 'active' RETURNING generation`.execute(trx);
  await sql`UPDATE ledger_projections SET status = 'active', updated_at = now()
    WHERE name = ${name} AND generation = ${generation}`.execute(trx);
  return { switched: true, retired: rows[0]?.generation ?? null };
}

/** Generations retired more than `graceMs` ago: no reader should still be on them. */
export async function readRetiredBefore(db: Kysely<unknown>, name: string, graceMs: number): Promise<number[]> {
  const { rows } = await sql<{ generation: number }>`SELECT generation FROM ledger_projections
    WHERE name = ${name} AND status = 'retired' AND updated_at < now() - ${graceMs}::double precision * interval '1 millisecond'`.execute(db);
  return rows.map((row) => row.generation);
}

/** The database's clock, which `started_at` is measured by. */
export async function databaseNow(db: Kysely<unknown>): Promise<Date> {
  const { rows } = await sql<{ now: Date }>`SELECT now() AS now`.execute(db);
  return rows[0].now;
}

function toRecord(row: GenerationRow): GenerationRecord {
  return {
    name: row.name,
    generation: row.generation,
    version: row.version,
    rules: row.rules,
    status: row.status,
    position: positionOf(row),
    storeId: row.store_id,
    halted: row.halted,
    partitions: row.partitions,
    eventsSeen: Number(row.events_seen),
    eventsFolded: Number(row.events_folded),
    lastError: row.last_error,
    startedAt: row.started_at,
    updatedAt: row.updated_at,
  };
}

export function positionOf(row: { position_commit: string | null; position_prepare: string | null }): LogPosition | null {
  return row.position_commit === null || row.position_prepare === null
    ? null
    : { commit: BigInt(row.position_commit), prepare: BigInt(row.position_prepare) };
}
