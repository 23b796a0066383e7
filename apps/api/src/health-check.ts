import { sql } from 'kysely';
import { formatPosition, type EventStore } from '../../../libs/event-store/src/event-store.js';
import type { LedgerDatabase } from '../../../libs/database/src/database.js';
import type { ProjectionEngine } from '../../../projections/engine/projection-engine.js';
import type { CheckResult, Health, ProjectionHealth } from '../../../libs/contracts/src/index.js';

/** A dependency that does not answer within this long counts as down: health is polled, it must not hang. */
export const HEALTH_CHECK_TIMEOUT_MS = 2_000;

export type { CheckResult, Health, ProjectionHealth, ProjectionState } from '../../../libs/contracts/src/index.js';

export interface HealthDeps {
  readonly store: EventStore;
  readonly db: LedgerDatabase;
  readonly engine: ProjectionEngine;
}

/** One round of checks, run side by side, each bounded by HEALTH_CHECK_TIMEOUT_MS. */
export async function checkHealth({ store, db, engine }: HealthDeps): Promise<Health> {
  const [eventStore, database, projections] = await Promise.all([
    check(async () => ({ kind: store.kind, headPosition: formatPosition(await store.headPosition()) })),
    check(async () => {
      await sql`SELECT 1`.execute(db.kysely());
      return { kind: db.kind };
    }),
    check(async () => ({ list: await projectionHealth(engine) })),
  ]);
  const up = eventStore.status === 'up' && database.status === 'up';
  return {
    status: up ? 'ok' : 'unavailable',
    eventStore,
    database,
    projections: projections.status === 'up' ? (projections.list as ProjectionHealth[]) : null,
    ...(projections.status === 'down' ? { projectionsError: projections.error } : {}),
  };
}

async function projectionHealth(engine: ProjectionEngine): Promise<ProjectionHealth[]> {
  return (await engine.status()).map((s) => ({
    name: s.name,
    state: s.status === 'active' ? (engine.runsHere ? 'running-here' : 'active-elsewhere') : s.status,
    generation: s.generation,
    position: s.position,
    lagEvents: s.lagEvents,
    lagSeconds: s.lagSeconds,
    lastError: s.lastError,
  }));
}

async function check(probe: () => Promise<Record<string, unknown>>): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${HEALTH_CHECK_TIMEOUT_MS} ms`)), HEALTH_CHECK_TIMEOUT_MS);
  });
  try {
    return { status: 'up', ...(await Promise.race([probe(), timeout])) };
  } catch (error) {
    return { status: 'down', error: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}
