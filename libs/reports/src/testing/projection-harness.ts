import { sql } from 'kysely';
import type { ActivityActions } from '../../../domain/src/activity-rules.js';
import type { LogPosition, StoredEvent } from '../../../event-store/src/event-store.js';
import { decodeStoredEvents } from '../../../event-store/src/stored-ledger-event.js';
import { IN_MEMORY, openDatabase, type LedgerDatabase } from '../../../database/src/database.js';
import type { Projection, ProjectionReader } from '../../../../projections/projection.js';
import type { ReportContext } from '../report-definition.js';
import { ReadModelCache } from '../../../../projections/engine/read-model-cache.js';
import { readModelDb } from '../../../../projections/engine/read-model-db.js';
import { createGenerationSchema } from '../../../../projections/engine/generation-schema.js';

export interface HarnessOptions {
  /** Events per `apply` call (the engine folds batches): small batches exercise folding across batches. */
  readonly batchSize?: number;
  /** A database to use (e.g. PostgreSQL); default a fresh in-memory PGlite, closed by `close`. */
  readonly database?: LedgerDatabase;
  readonly leaseMs?: number;
  /** ACTIVITY_ACTIONS (default: every action counts). */
  readonly activityActions?: ActivityActions;
  /** Names the schemas `h_<projection>_<suffix>` (default: unique per harness). */
  readonly schemaSuffix?: string;
  /** Reads schemas an earlier harness with the same suffix left in `database` (no tables created). */
  readonly reuseSchemas?: boolean;
}

/**
 * Projections folded into their own schemas of one database, as the engine would (their migrations
 * in a fresh schema, then `apply` batch by batch in transactions, only the events each folds), and the
 * ProjectionReader reports read them through. For report tests, without the engine.
 */
export interface ProjectionHarness {
  readonly database: LedgerDatabase;
  readonly reader: ProjectionReader;
  /** Folds more events (after those already folded). */
  fold(events: readonly StoredEvent[]): Promise<void>;
  context(now: number): ReportContext;
  close(): Promise<void>;
}

let schemaCounter = 0;

export async function projectionHarness(
  projections: readonly Projection[],
  events: readonly StoredEvent[],
  options: HarnessOptions = {},
): Promise<ProjectionHarness> {
  const database = options.database ?? (await openDatabase({ dataDir: IN_MEMORY }));
  const db = database.kysely<unknown>();
  const leaseMs = options.leaseMs ?? 900_000;
  const rules = { leaseMs, activityActions: options.activityActions ?? null };
  const batchSize = options.batchSize ?? 500;
  const suffix = options.schemaSuffix ?? `${process.pid}_${(schemaCounter += 1)}`;
  const schemas = new Map<string, string>();
  let position: LogPosition | null = null;

  for (const projection of projections) {
    const schema = `h_${projection.name.replaceAll('-', '_')}_${suffix}`;
    schemas.set(projection.name, schema);
    if (options.reuseSchemas) continue;
    await db.transaction().execute((trx) => createGenerationSchema(trx, schema, projection));
  }

  const fold = async (more: readonly StoredEvent[]) => {
    for (let i = 0; i < more.length; i += batchSize) {
      const batch = more.slice(i, i + batchSize);
      for (const projection of projections) {
        const events = (projection.decode ?? decodeStoredEvents)(batch.filter((e) => projection.eventTypes.has(e.type)));
        if (events.length > 0) await projection.prepare?.(readModelDb(db, schemas.get(projection.name)!), events, rules);
      }
      await db.transaction().execute(async (trx) => {
        for (const projection of projections) {
          const events = (projection.decode ?? decodeStoredEvents)(batch.filter((e) => projection.eventTypes.has(e.type)));
          if (events.length > 0) await projection.apply(readModelDb(trx, schemas.get(projection.name)!), events, rules);
        }
      });
      position = batch[batch.length - 1]!.position;
    }
  };
  await fold(events);

  const caches = new Map(projections.map((p) => [p.name, new ReadModelCache()]));
  const reader: ProjectionReader = {
    async reader<Tables>(name: string) {
      const schema = schemas.get(name);
      if (!schema) throw new Error(`projection ${name} is not in this harness`);
      return { db: readModelDb<Tables>(db, schema), position, cache: caches.get(name)! };
    },
  };
  return {
    database,
    reader,
    fold,
    context: (now) => ({ now, leaseMs, projections: reader }),
    close: async () => {
      if (options.database) {
        for (const schema of schemas.values()) await sql`DROP SCHEMA IF EXISTS ${sql.id(schema)} CASCADE`.execute(db);
      } else {
        await database.close();
      }
    },
  };
}
