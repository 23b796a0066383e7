import { randomUUID } from 'node:crypto';
import type { EventStore, LogPosition, NewEvent, StoredEvent } from '../../../libs/event-store/src/event-store.js';
import { createSqlEventStore } from '../../../libs/event-store/src/sql/sql-event-store.js';
import { IN_MEMORY, openDatabase, type LedgerDatabase } from '../../../libs/database/src/database.js';
import { freshTestSchema } from '../../../libs/database/src/testing/test-postgres.js';
import type { ProjectionLogger } from '../../../projections/engine/engine-deps.js';
import { ProjectionEngine, type ProjectionEngineOptions } from '../../../projections/engine/projection-engine.js';
import type { Projection } from '../../../projections/projection.js';
import type { CountTables } from './counting-projection.js';
import { query } from '../../../libs/database/src/testing/query.js';

export type BackendKind = 'postgres' | 'pglite';

export interface Ledger {
  readonly db: LedgerDatabase;
  readonly store: EventStore;
}

/** A database with the SQL event store: a fresh PostgreSQL schema, or PGlite in memory. */
export interface Backend extends Ledger {
  /** Another process on the same database: its own pool on PostgreSQL; PGlite has one connection, so the same one. */
  openPeer(): Promise<Ledger>;
  close(): Promise<void>;
}

export async function openBackend(kind: BackendKind, label: string): Promise<Backend> {
  if (kind === 'pglite') {
    const db = await openDatabase({ dataDir: IN_MEMORY });
    const store = await createSqlEventStore(db);
    return {
      db,
      store,
      openPeer: async () => ({ db, store: await createSqlEventStore(db) }),
      close: async () => {
        await store.close();
        await db.close();
      },
    };
  }
  const testSchema = freshTestSchema(label);
  const peers: Ledger[] = [];
  const open = async (): Promise<Ledger> => {
    const db = await testSchema.open();
    const ledger = { db, store: await createSqlEventStore(db) };
    peers.push(ledger);
    return ledger;
  };
  const { db, store } = await open();
  return {
    db,
    store,
    openPeer: open,
    close: async () => {
      for (const peer of peers) {
        await peer.store.close();
        await peer.db.close();
      }
      // Generation schemas sit beside the test schema, named after it.
      const cleanup = await testSchema.open();
      const schemas = await query<{ name: string }>(
        cleanup,
        `SELECT schema_name AS name FROM information_schema.schemata WHERE schema_name LIKE $1`,
        [`${testSchema.schema}\\_rm\\_%`],
      );
      for (const { name } of schemas) await query(cleanup, `DROP SCHEMA ${name} CASCADE`);
      await cleanup.close();
      await testSchema.drop();
    },
  };
}

/** A logger that keeps what it is told, for assertions and a quiet test run. */
export function recordingLogger(): ProjectionLogger & { readonly lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    log: (message) => lines.push(`log ${message}`),
    warn: (message) => lines.push(`warn ${message}`),
    error: (message) => lines.push(`error ${message}`),
  };
}

export function newEngine(ledger: Ledger, projections: readonly Projection[], options: Partial<ProjectionEngineOptions> = {}): ProjectionEngine {
  const engine = new ProjectionEngine({
    db: ledger.db,
    store: ledger.store,
    context: { leaseMs: 900_000, activityActions: null },
    logger: recordingLogger(),
    batchSize: 100,
    retryDelayMs: 20,
    retiredGraceMs: 200,
    ...options,
  });
  for (const projection of projections) engine.register(projection);
  return engine;
}

/** Appends events of the given types, in order, across a few streams; answers the position of the last one. */
export async function appendTypes(store: EventStore, types: readonly string[], chunk = 250): Promise<LogPosition | null> {
  let last: LogPosition | null = null;
  for (let start = 0; start < types.length; start += chunk) {
    const streamId = `account-t${randomUUID().slice(0, 8)}`;
    last = (await store.appendToStream(streamId, 'no_stream', types.slice(start, start + chunk).map(newEvent))).position;
  }
  return last;
}

/** `n` events cycling through A, B, C. */
export function cycleOfTypes(n: number): string[] {
  return Array.from({ length: n }, (_, i) => 'ABC'[i % 3]);
}

/** The whole log, read page by page. */
export async function readLog(store: EventStore): Promise<StoredEvent[]> {
  const log: StoredEvent[] = [];
  for (
    let page = await store.readAll({ after: null, limit: 5_000 });
    page.length > 0;
    page = await store.readAll({ after: page[page.length - 1].position, limit: 5_000 })
  ) {
    log.push(...page);
  }
  return log;
}

/** Events per type of `log`, restricted to `types`. */
export function countTypes(log: readonly StoredEvent[], types: readonly string[] = ['A', 'B']): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const event of log) if (types.includes(event.type)) counts[event.type] = (counts[event.type] ?? 0) + 1;
  return counts;
}

/** What the active generation of the projection has counted, through the reader. */
export async function readCounts(engine: ProjectionEngine, name = 'counter'): Promise<Record<string, number>> {
  const { db } = await engine.reader.reader<CountTables>(name);
  const rows = await db.kysely.selectFrom('event_counts').select(['type', 'count']).execute();
  return Object.fromEntries(rows.map((row) => [row.type, Number(row.count)]));
}

export async function waitUntil(condition: () => Promise<boolean> | boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export function newEvent(type: string): NewEvent {
  return {
    eventId: randomUUID(),
    type,
    data: {},
    metadata: {
      commandId: null,
      correlationId: 'projection-test',
      causationId: null,
      actor: 'test',
      occurredAt: new Date().toISOString(),
      schemaVersion: 1,
    },
  };
}
