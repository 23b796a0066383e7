import { createHistory } from '../../libs/history-generator/src/generate-history.js';
import { query } from '../../libs/database/src/testing/query.js';
import type { LedgerDatabase } from '../../libs/database/src/ledger-database.js';
import { ALL_PROJECTIONS } from '../../projections/catalog.js';
import { generationSchema } from '../../projections/engine/generation-schema.js';
import { partitionOfAccount } from '../../projections/engine/partition-registry.js';
import { readGenerations, type GenerationRecord } from '../../projections/engine/registry.js';
import { useFaultFixture } from './support/fault-fixture.js';
import { pollUntil, PROCESS_TEST_TIMEOUT_MS, runLedger, startLedger, verifyEach, writeNdjson, type NodeProcess } from './support/ledger-process.js';
import { foldCounts, waitForProjectionsAtLogEnd } from './support/projection-progress.js';

/**
 * Three `ledger projections run --partitions 6` processes share the projections; one is killed with
 * SIGKILL while they fold. The survivors take its partitions over, every event is folded exactly once,
 * the tables end row for row as a single process's fold of the whole log (`ledger projections
 * rebuild`), and `ledger verify` passes for every account.
 */
const PARTITIONS = 6;
const PROJECTIONS = ALL_PROJECTIONS.map((P) => new P());
const SPLIT = PROJECTIONS.filter((p) => p.partitionable).map((p) => p.name);

/** The partitions of `projection` a process holds, from what it logged (`folding partition 3 of 6`, `giving partition 3 of 6 back`). */
function heldPartitions(process: NodeProcess, projection: string): Set<number> {
  const held = new Set<number>();
  const pattern = new RegExp(`${projection} generation \\d+: (folding|giving) partition (\\d+) of`, 'g');
  for (const [, verb, partition] of `${process.stdout()}${process.stderr()}`.matchAll(pattern)) {
    if (verb === 'folding') held.add(Number(partition));
    else held.delete(Number(partition));
  }
  return held;
}

/**
 * Tables whose content depends on where batches begin and end, whoever folds them: `holding_versions`
 * counts the batches that changed an account's holdings (a cache key of the licenses overview), and a
 * rebuild folds 10,000 events per batch where a follower folds what arrived.
 */
const BATCH_DEPENDENT_TABLES = new Set(['holding_versions']);

/**
 * Every row of every table of a projection's active generation, as JSON text, sorted. A `bigserial`
 * column (`id`, which only orders an account's rows of the same instant) is replaced by the row's rank
 * within its account: partitions fold accounts side by side, so the numbers interleave otherwise.
 */
async function tableRows(database: LedgerDatabase, schema: string): Promise<Record<string, string[]>> {
  const columns = await query<{ table_name: string; column_name: string; serial: boolean }>(
    database,
    `SELECT table_name, column_name, coalesce(column_default LIKE 'nextval%', false) AS serial
     FROM information_schema.columns WHERE table_schema = $1 AND table_name <> 'ledger_migrations' ORDER BY table_name, ordinal_position`,
    [schema],
  );
  const tables: Record<string, string[]> = {};
  for (const table of [...new Set(columns.map((c) => c.table_name))].filter((t) => !BATCH_DEPENDENT_TABLES.has(t))) {
    const own = columns.filter((c) => c.table_name === table);
    const serial = own.find((c) => c.serial)?.column_name;
    const rowJson = serial
      ? `to_jsonb(t) - '${serial}' || jsonb_build_object('${serial}', row_number() OVER (PARTITION BY t.account_id ORDER BY t.${serial}))`
      : 'to_jsonb(t)';
    const rows = await query<{ row: string }>(database, `SELECT (${rowJson})::text AS row FROM "${schema}"."${table}" t`);
    tables[table] = rows.map((r) => r.row).sort();
  }
  return tables;
}

describe('projector processes sharing the projections in partitions, one killed mid-batch', () => {
  const running: NodeProcess[] = [];
  const fixture = useFaultFixture('partitions_kill', async () => {
    for (const process of running) process.kill('SIGKILL');
    await Promise.all(running.map((process) => process.exited));
  });

  const activeGenerations = async (): Promise<GenerationRecord[]> => {
    try {
      return (await readGenerations(fixture().database.kysely())).filter((g) => g.status === 'active');
    } catch {
      return []; // the registry does not exist before the first projector starts
    }
  };

  test(
    'the survivors take its partitions over; the tables equal a single-process fold and verify passes',
    async () => {
      const history = createHistory({ commands: 9_000, accounts: 7, seed: 29 });
      const partitionsUsed = new Set(history.accounts.map(({ accountId }) => partitionOfAccount(accountId, PARTITIONS)));
      expect(partitionsUsed.size).toBe(PARTITIONS);
      const { env, database } = fixture();
      const file = fixture().file('history.ndjson');
      await writeNdjson(file, [...history.commands]);

      // One at a time (each migrates the database at start), then all three hold their share: 2 partitions each.
      const projector = async (): Promise<NodeProcess> => {
        const started = startLedger(['projections', 'run', '--partitions', String(PARTITIONS)], env);
        running.push(started);
        await pollUntil(
          'the projector to take partitions',
          async () => (heldPartitions(started, 'sessions').size > 0 ? true : undefined),
          90_000,
          50,
        );
        return started;
      };
      const projectors = [await projector(), await projector(), await projector()];
      await pollUntil(
        'each projector to hold its share of every split projection',
        async () => (projectors.every((p) => SPLIT.every((name) => heldPartitions(p, name).size === PARTITIONS / 3)) ? true : undefined),
        60_000,
        50,
      );
      const split = await activeGenerations();
      expect(
        split
          .filter((g) => g.partitions !== null)
          .map((g) => g.name)
          .sort(),
      ).toEqual([...SPLIT].sort());
      expect(split.find((g) => g.name === 'alerts')?.partitions).toBeNull();

      // The log grows while they fold; the victim dies once it has folded some of it, well before the end.
      const importing = runLedger(['import', file, '--no-wait'], env, 180_000);
      const victim = projectors[1];
      const victimHeld = new Map(SPLIT.map((name) => [name, heldPartitions(victim, name)]));
      await pollUntil(
        'the shared projections part-way through the log',
        async () => {
          const [{ folded }] = await query<{ folded: string }>(
            database,
            `SELECT count(*)::text AS folded FROM ledger_projection_partitions WHERE partition = ANY($1::int[]) AND events_folded > 0`,
            [[...victimHeld.get('sessions')!]],
          );
          return Number(folded) > 0 ? true : undefined;
        },
        90_000,
        10,
      );
      victim.kill('SIGKILL');
      expect((await victim.exited).signal).toBe('SIGKILL');
      const survivors = projectors.filter((p) => p !== victim);

      const imported = await importing;
      expect([0, 3]).toContain(imported.code);
      const [{ total }] = await query<{ total: string }>(database, 'SELECT count(*)::text AS total FROM events');
      const eventCount = Number(total);

      await pollUntil(
        "the survivors to take the victim's partitions over",
        async () =>
          SPLIT.every((name) => {
            const held = survivors.map((p) => heldPartitions(p, name));
            return (
              held.every((h) => h.size === PARTITIONS / 2) && [...victimHeld.get(name)!].every((partition) => held.some((h) => h.has(partition)))
            );
          })
            ? true
            : undefined,
        60_000,
        50,
      );
      await waitForProjectionsAtLogEnd(database, 180_000);

      // Exactly once: each generation saw the whole log and handed each event of its types to apply once.
      const caughtUp = await activeGenerations();
      const counts = await foldCounts(database, PROJECTIONS, caughtUp, eventCount);
      expect(counts.actual).toEqual(counts.expected);
      const partitionRows = await query<{ name: string; partitions: string; at_end: string }>(
        database,
        `SELECT p.name, count(*)::text AS partitions, count(*) FILTER (WHERE p.position_commit = g.position_commit
           AND p.position_prepare = g.position_prepare)::text AS at_end
         FROM ledger_projection_partitions p JOIN ledger_projections g USING (name, generation) WHERE g.status = 'active' GROUP BY p.name ORDER BY p.name`,
      );
      expect(partitionRows).toEqual([...SPLIT].sort().map((name) => ({ name, partitions: String(PARTITIONS), at_end: String(PARTITIONS) })));

      for (const survivor of survivors) survivor.kill('SIGTERM');
      for (const survivor of survivors) expect((await survivor.exited).code).toBe(0);

      // The product's own audit agrees with the split generations, account by account.
      const accountIds = history.accounts.map((a) => a.accountId);
      expect(await verifyEach(accountIds, env)).toEqual(accountIds.map((accountId) => ({ accountId, code: 0, differences: '' })));

      // What the shared projectors folded, table by table, against one process folding the whole log again.
      const shared = new Map<string, Record<string, string[]>>();
      for (const name of SPLIT) {
        const generation = caughtUp.find((g) => g.name === name)!;
        shared.set(name, await tableRows(database, generationSchema(database.schema, name, generation.generation)));
      }
      const rebuilt = await runLedger(['projections', 'rebuild'], env, 180_000);
      expect({ code: rebuilt.code, stderr: rebuilt.code === 0 ? '' : rebuilt.stderr }).toEqual({ code: 0, stderr: '' });
      const fresh = await activeGenerations();
      for (const name of SPLIT) {
        const generation = fresh.find((g) => g.name === name)!;
        expect(generation.partitions).toBeNull();
        const single = await tableRows(database, generationSchema(database.schema, name, generation.generation));
        expect(Object.values(single).flat().length).toBeGreaterThan(0);
        expect({ name, tables: shared.get(name) }).toEqual({ name, tables: single });
      }
    },
    PROCESS_TEST_TIMEOUT_MS * 2,
  );
});
