import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withLedger } from '../../apps/cli/src/ledger-context.js';
import type { LedgerDatabase } from '../../libs/database/src/database.js';
import { query } from '../../libs/database/src/testing/query.js';
import { freshTestSchema, TEST_DATABASE_URL } from '../../libs/database/src/testing/test-postgres.js';
import type { EventStore } from '../../libs/event-store/src/event-store.js';
import { createHistory } from '../../libs/history-generator/src/generate-history.js';
import type { ClientCommand } from '../../libs/ledger/src/command-gateway.js';
import { parseCommand } from '../../libs/ledger/src/validation/parse-command.js';
import { loadConfig, type LedgerConfig } from '../../libs/platform/src/config.js';
import { EVENT_STORE, LEDGER_DATABASE } from '../../libs/platform/src/tokens.js';
import { ALL_PROJECTIONS } from '../../projections/catalog.js';
import { generationSchema } from '../../projections/engine/generation-schema.js';
import { ProjectionEngine } from '../../projections/engine/projection-engine.js';
import { readActive, readGenerations } from '../../projections/engine/registry.js';
import { recordingLogger } from './support/projection-fixture.js';

/**
 * `ledger projections rebuild` with no name rebuilds every projection in ONE pass over the log
 * (SPEC §5, §6): the same read models as rebuilding each alone, the log read once instead of once
 * per projection, and a pass stopped half-way resumes from each projection's checkpoint to the same
 * tables — on the real PostgreSQL server and on the embedded store.
 */

/** Small pages, so that the log is many batches and a pass can be stopped in the middle of it. */
const PAGE = 400;

/** The store, with the events handed to readers counted. */
function countingStore(store: EventStore): { store: EventStore; read: () => number; reset: () => void } {
  let read = 0;
  const counted: EventStore = new Proxy(store, {
    get(target, property) {
      if (property === 'readAll') {
        return async (...args: Parameters<EventStore['readAll']>) => {
          const page = await target.readAll(...args);
          read += page.length;
          return page;
        };
      }
      if (property === 'subscribeToAll') {
        return async function* (...args: Parameters<EventStore['subscribeToAll']>) {
          for await (const batch of target.subscribeToAll(...args)) {
            read += batch.length;
            yield batch;
          }
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { store: counted, read: () => read, reset: () => (read = 0) };
}

/**
 * Not compared: the migrations' own tables, and `alert_generation`, the random token naming a generation
 * of the alerts (the alert processor keeps its in-memory monitors per generation).
 */
const BOOKKEEPING = ['ledger_migrations', 'ledger_migrations_lock', 'alert_generation'];

/** Every row of every table of each projection's active generation, as sorted JSON: what its reports read. */
async function readModels(database: LedgerDatabase, names: readonly string[]): Promise<Record<string, string[]>> {
  const models: Record<string, string[]> = {};
  for (const name of names) {
    const active = await readActive(database.kysely(), name);
    if (!active) throw new Error(`${name} has no active generation`);
    const schema = generationSchema(database.schema, name, active.generation);
    const tables = await query<{ table_name: string }>(
      database,
      `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND NOT table_name = ANY($2::text[]) ORDER BY 1`,
      [schema, BOOKKEEPING],
    );
    for (const { table_name } of tables) {
      const rows = await query<{ row: string }>(database, `SELECT to_jsonb(t)::text AS row FROM "${schema}"."${table_name}" t ORDER BY 1`);
      models[`${name}.${table_name}`] = rows.map((r) => r.row);
    }
  }
  return models;
}

async function loadHistory(config: LedgerConfig): Promise<void> {
  const commands = [...createHistory({ commands: 2_500, accounts: 2, users: 60, days: 30, seed: 23 }).commands];
  await withLedger(config, async (gateway) => {
    for (let i = 0; i < commands.length; i += 500) {
      const chunk = commands.slice(i, i + 500);
      await gateway.executeMany(
        chunk.map((c) => parseCommand(c) as ClientCommand),
        { actor: 'cli' },
      );
    }
  });
}

async function onePassScenario(config: LedgerConfig): Promise<void> {
  await loadHistory(config);
  await withLedger(config, async (_gateway, context) => {
    const database = context.get<LedgerDatabase>(LEDGER_DATABASE);
    const counting = countingStore(context.get<EventStore>(EVENT_STORE));
    const engine = new ProjectionEngine({
      db: database,
      store: counting.store,
      context: { leaseMs: config.sessionLeaseSeconds * 1000, activityActions: null },
      logger: recordingLogger(),
      rebuildBatchSize: PAGE,
      retiredGraceMs: 0,
    });
    for (const P of ALL_PROJECTIONS) engine.register(new P());
    const names = engine.names;
    const [{ total }] = await query<{ total: number }>(database, 'SELECT count(*)::int AS total FROM events');
    expect(total).toBeGreaterThan(PAGE * 5);

    // Each projection rebuilt alone: the log read once per projection.
    for (const name of names) expect((await engine.rebuild(name)).outcome).toBe('switched');
    expect(counting.read()).toBe(total * names.length);
    const alone = await readModels(database, names);
    expect(Object.values(alone).some((rows) => rows.length > 0)).toBe(true);

    // All of them in one pass: the log read once, the same read models, each switched to a new generation.
    counting.reset();
    const together = await engine.rebuildTogether();
    expect(together.map((r) => [r.name, r.outcome, r.generation, r.retired])).toEqual(names.map((name) => [name, 'switched', 2, 1]));
    expect(counting.read()).toBe(total);
    expect(await readModels(database, names)).toEqual(alone);

    // A pass stopped half-way leaves each building generation at its own checkpoint, the active ones serving…
    counting.reset();
    const stop = new AbortController();
    const stopped = await engine.rebuildTogether(names, {
      signal: stop.signal,
      onProgress: (progress) => {
        if (progress.done >= total / 2) stop.abort();
      },
    });
    expect(stopped.map((r) => r.outcome)).toEqual(names.map(() => 'stopped'));
    const building = (await readGenerations(database.kysely(), names)).filter((g) => g.status === 'building');
    expect(building.map((g) => g.name)).toEqual([...names].sort());
    for (const g of building) expect(g.eventsSeen > 0 && g.eventsSeen < total).toBe(true);
    expect(await readModels(database, names)).toEqual(alone);

    // …and the next pass resumes them from there (reading only the rest of the log) to the same tables.
    const readBefore = counting.read();
    const resumed = await engine.rebuildTogether();
    expect(resumed.map((r) => [r.outcome, r.generation])).toEqual(names.map(() => ['switched', 3]));
    const readOnResume = counting.read() - readBefore;
    expect(readOnResume).toBe(total - Math.min(...building.map((g) => g.eventsSeen)));
    expect((await readGenerations(database.kysely(), names)).filter((g) => g.status === 'active').map((g) => g.eventsSeen)).toEqual(
      names.map(() => total),
    );
    expect(await readModels(database, names)).toEqual(alone);
  });
}

describe('rebuilding every projection in one pass over the log', () => {
  test('PostgreSQL: the same read models as one at a time, the log read once, resumable', async () => {
    const schema = freshTestSchema('onepass');
    try {
      await onePassScenario(loadConfig({ DATABASE_URL: TEST_DATABASE_URL, DATABASE_SCHEMA: schema.schema }));
    } finally {
      await schema.drop();
    }
  }, 240_000);

  test('embedded PGlite: the same', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ledger-onepass-'));
    try {
      await onePassScenario(loadConfig({ LEDGER_DATA_DIR: dir }));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 240_000);
});
