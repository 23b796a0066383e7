import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import pg from 'pg';
import { writeHistoryNdjson } from '../../libs/history-generator/src/generate-history.js';
import { ALL_PROJECTIONS } from '../../projections/catalog.js';
import { freshStore, loadAverage, log, machineInfo, postgresVersion, round, runNode, sourceTree, type ChildRun } from './bench-support.js';

/**
 * `partitions-postgres`: folding throughput of `ledger projections run` with 1, 2 and 4 processes sharing
 * the projections (`--partitions N`, N = the number of processes; 1 = the default, unsplit) on one
 * generated history in a fresh PostgreSQL schema (dropped at the end). The history is imported once
 * (`--no-wait`); before each run the read side is reset (registry rows and generation schemas dropped),
 * so each run folds the whole log from scratch.
 *
 *   npm run bench -- --only partitions-postgres [--partition-commands 60000] [--accounts 24] [--partition-processes 1,2,4]
 *
 * Results: bench-results/partitions.json (written whole) and a Markdown table.
 */

export interface PartitionsOptions {
  readonly databaseUrl: string;
  /** The generated history (seed 7). */
  readonly commands: number;
  readonly accounts: number;
  /** A run per count of projector processes, in this order (the first is the baseline of the table). */
  readonly processes: readonly number[];
  readonly timeoutMs: number;
  /** Results file (written whole). */
  readonly out: string;
  /** How the run was started, for the results. */
  readonly command: string;
}

interface FoldRun {
  readonly processes: number;
  /** From the first checkpoint written to every projection at the log's end. */
  readonly foldSeconds: number;
  readonly eventsPerSecond: number;
  /** From spawning the processes to the end (Node and Nest start-up included). */
  readonly wallSeconds: number;
  /** CPU seconds (user + system) of each projector process, up to the end (PostgreSQL's own not counted). */
  readonly cpuSeconds: readonly number[];
  /** Sum over the processes of their peak RSS. */
  readonly peakRssMiB: number;
  /** The machine's 1-minute load average when the run ended. */
  readonly loadAverage: number;
}

const PROJECTION_COUNT = ALL_PROJECTIONS.length;

/** Imports, folds once per process count, writes `options.out` and answers the Markdown table. */
export async function runPartitionsScenario(options: PartitionsOptions): Promise<string> {
  const { databaseUrl, commands, accounts, timeoutMs } = options;
  const store = await freshStore('postgres', databaseUrl, 'partitions_fold');
  const schema = store.env.DATABASE_SCHEMA!;
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const file = `/tmp/ledger-partitions-fold-${process.pid}.ndjson`;
  try {
    await writeHistoryNdjson({ commands, accounts, seed: 7 }, file);
    log('partitions', `importing ${commands} commands (${accounts} accounts) into ${store.description}`);
    const imported = await runNode(['bin/ledger.js', 'import', file, '--no-wait'], { env: store.env, timeoutMs }).exited;
    if (imported.code !== 0 && imported.code !== 3) throw new Error(`import exited with ${imported.code ?? imported.signal}`);
    const { events } = await store.countEvents();
    log('partitions', `${events} events in the log`);

    const runs: FoldRun[] = [];
    for (const processes of options.processes) {
      await resetReadSide(client, schema);
      runs.push(await foldWith(processes, store.env, client, schema, events, timeoutMs));
    }
    const machine = machineInfo(await postgresVersion(databaseUrl));
    const result = {
      command: options.command,
      at: new Date().toISOString(),
      sourceTree: sourceTree(),
      machine,
      loadAverageAfter: loadAverage(),
      history: { commands, accounts, events },
      runs,
    };
    const out = resolve(options.out);
    await mkdir(dirname(out), { recursive: true });
    await writeFile(out, `${JSON.stringify(result, null, 2)}\n`);
    log('partitions', `written to ${out}`);
    const base = runs[0];
    return (
      `| partitions-postgres processes | fold time | log events/s | × ${base.processes} process${base.processes === 1 ? '' : 'es'} | wall (start-up included) | CPU s per process | peak RSS (sum) | load after |\n|---|---|---|---|---|---|---|---|\n` +
      runs
        .map(
          (r) =>
            `| ${r.processes} | ${r.foldSeconds} s | ${r.eventsPerSecond} | ${round(r.eventsPerSecond / base.eventsPerSecond)}× | ${r.wallSeconds} s | ${r.cpuSeconds.join(' + ')} | ${r.peakRssMiB} MiB | ${r.loadAverage} |`,
        )
        .join('\n')
    );
  } finally {
    await client.end();
    await rm(file, { force: true });
    await store.dispose();
  }
}

/** A fresh read side on the same log: no generation, no checkpoint. */
async function resetReadSide(client: pg.Client, schema: string): Promise<void> {
  const { rows } = await client.query<{ name: string }>(`SELECT nspname AS name FROM pg_namespace WHERE starts_with(nspname, $1)`, [`${schema}_rm_`]);
  for (const { name } of rows) await client.query(`DROP SCHEMA "${name}" CASCADE`);
  await client.query(`DELETE FROM ${schema}.ledger_projections`);
}

async function foldWith(
  processes: number,
  env: NodeJS.ProcessEnv,
  client: pg.Client,
  schema: string,
  events: number,
  timeoutMs: number,
): Promise<FoldRun> {
  const label = `partitions ×${processes}`;
  const args = ['bin/ledger.js', 'projections', 'run', ...(processes > 1 ? ['--partitions', String(processes)] : [])];
  const spawned = performance.now();
  const children: ChildRun[] = [];
  for (let i = 0; i < processes; i++) children.push(runNode(args, { env, timeoutMs }));
  let firstCheckpoint: number | null = null;
  for (let lastLog = 0; ; await new Promise((r) => setTimeout(r, 100))) {
    const { rows } = await client
      .query<{ started: number; at_end: number; seen: string }>(
        `SELECT count(*) FILTER (WHERE p.position_commit IS NOT NULL OR EXISTS (SELECT 1 FROM ${schema}.ledger_projection_partitions q
              WHERE q.name = p.name AND q.generation = p.generation AND q.events_seen > 0))::int AS started,
            count(*) FILTER (WHERE p.events_seen >= $1)::int AS at_end, coalesce(sum(p.events_seen), 0)::text AS seen
         FROM ${schema}.ledger_projections p WHERE p.status = 'active'`,
        [events],
      )
      .catch(() => ({ rows: [{ started: 0, at_end: 0, seen: '0' }] })); // no registry before the first process migrates
    const [{ started, at_end: atEnd, seen }] = rows;
    if (firstCheckpoint === null && started > 0) firstCheckpoint = performance.now();
    if (atEnd === PROJECTION_COUNT) break;
    if (performance.now() - lastLog > 5_000) {
      lastLog = performance.now();
      const share = Number(seen) / (events * PROJECTION_COUNT);
      const elapsed = (performance.now() - spawned) / 1000;
      const eta = share > 0 ? `, ETA ${Math.round((elapsed * (1 - share)) / share)} s` : '';
      log(label, `${Math.round(share * 100)} % folded, ${round(elapsed, 1)} s${eta}`);
    }
  }
  const done = performance.now();
  const cpuSeconds = await Promise.all(children.map((child) => cpuSecondsOf(child.child.pid!)));
  for (const child of children) child.child.kill('SIGTERM');
  const exits = await Promise.all(children.map((child) => child.exited));
  const foldSeconds = round((done - firstCheckpoint!) / 1000);
  const run: FoldRun = {
    processes,
    foldSeconds,
    eventsPerSecond: Math.round(events / foldSeconds),
    wallSeconds: round((done - spawned) / 1000),
    cpuSeconds,
    peakRssMiB: exits.reduce((sum, exit) => sum + (exit.peakRssMiB ?? 0), 0),
    loadAverage: loadAverage(),
  };
  log(label, `${run.foldSeconds} s: ${run.eventsPerSecond} log events/s (wall ${run.wallSeconds} s)`);
  return run;
}

/** utime + stime of a live process, from /proc/PID/stat (Linux; clock ticks of 1/100 s). */
async function cpuSecondsOf(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return round((Number(fields[11]) + Number(fields[12])) / 100, 1);
}
