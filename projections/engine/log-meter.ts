import { sql } from 'kysely';
import type { LogPosition } from '../../libs/event-store/src/event-store.js';
import type { EngineDeps } from './engine-deps.js';

/** EventStoreDB has no cheap count: its lag is counted by reading, up to this many events. */
const ESDB_COUNT_LIMIT = 10_000;
const ESDB_PAGE = 1_000;

/**
 * How many events of the log a reader can receive after `position` (exclusive). On the SQL store an
 * index-only count; on EventStoreDB a read, capped at ESDB_COUNT_LIMIT.
 */
export async function countEventsAfter(deps: EngineDeps, position: LogPosition | null): Promise<number> {
  if (deps.store.kind === 'esdb') return countByReading(deps, position);
  const from = position ?? { commit: 0n, prepare: 0n };
  const { rows } = await sql<{ n: string }>`SELECT count(*) AS n FROM events
    WHERE transaction_id < pg_snapshot_xmin(pg_current_snapshot())
      AND (transaction_id, global_position) > (${String(from.commit)}::xid8, ${String(from.prepare)}::bigint)`.execute(deps.db);
  return Number(rows[0].n);
}

/** Seconds since the oldest event after `position` was recorded; 0 when there is none. */
export async function secondsBehind(deps: EngineDeps, position: LogPosition | null, now: number): Promise<number> {
  const [oldest] = await deps.store.readAll({ after: position, limit: 1 });
  return oldest ? Math.max(0, Math.round((now - Date.parse(oldest.metadata.recordedAt)) / 1000)) : 0;
}

async function countByReading(deps: EngineDeps, position: LogPosition | null): Promise<number> {
  let count = 0;
  for (let after = position; count < ESDB_COUNT_LIMIT; ) {
    const page = await deps.store.readAll({ after, limit: Math.min(ESDB_PAGE, ESDB_COUNT_LIMIT - count) });
    count += page.length;
    if (page.length === 0) break;
    after = page[page.length - 1].position;
  }
  return count;
}
