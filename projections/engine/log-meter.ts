import type { LogPosition } from '../../libs/event-store/src/event-store.js';
import type { EngineDeps } from './engine-deps.js';

/** A store without a cheap count (EventStoreDB) has its lag counted by reading, up to this many events. */
const ESDB_COUNT_LIMIT = 10_000;
const ESDB_PAGE = 1_000;

/**
 * How many events of the log a reader can receive after `position` (exclusive): the store's own count
 * where it has one (the SQL store: index-only), else a read capped at ESDB_COUNT_LIMIT.
 */
export async function countEventsAfter(deps: EngineDeps, position: LogPosition | null): Promise<number> {
  return deps.store.countAfter ? deps.store.countAfter(position) : countByReading(deps, position);
}

/** Seconds since the oldest event after `position` was recorded; 0 when there is none. */
export async function secondsBehind(deps: EngineDeps, position: LogPosition | null, now: number): Promise<number> {
  const [oldest] = await deps.store.readAll({ after: position, limit: 1 });
  return oldest ? Math.max(0, Math.round((now - Date.parse(oldest.metadata.recordedAt)) / 1000)) : 0;
}

async function countByReading(deps: EngineDeps, position: LogPosition | null): Promise<number> {
  let count = 0;
  for (let after = position; count < ESDB_COUNT_LIMIT;) {
    const page = await deps.store.readAll({ after, limit: Math.min(ESDB_PAGE, ESDB_COUNT_LIMIT - count) });
    count += page.length;
    if (page.length === 0) break;
    after = page[page.length - 1].position;
  }
  return count;
}
