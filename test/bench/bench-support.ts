import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, freemem, loadavg, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { query } from '../../libs/database/src/testing/query.js';

/** Shared plumbing of the benchmarks: stores to run against, child processes, progress, statistics. */

export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';
export type Backend = 'postgres' | 'pglite';

// ── Cleanup on exit or Ctrl-C ──────────────────────────────────────────────

const cleanups = new Set<() => Promise<void>>();

/** Runs `cleanup` when the scenario ends (the caller calls the returned function) or when the run is interrupted. */
export function onCleanup(cleanup: () => Promise<void>): () => Promise<void> {
  let done = false;
  const once = async () => {
    if (done) return;
    done = true;
    cleanups.delete(once);
    await cleanup();
  };
  cleanups.add(once);
  return once;
}

export async function runAllCleanups(): Promise<void> {
  for (const cleanup of [...cleanups].reverse()) await cleanup().catch(() => undefined);
}

// ── Stores ─────────────────────────────────────────────────────────────────

export interface BenchStore {
  readonly backend: Backend;
  /** Environment for a ledger process (`loadConfig` reads it). */
  readonly env: NodeJS.ProcessEnv;
  readonly description: string;
  /** Events in the store, and the transactions that appended them (one per `appendToStream`). */
  countEvents(): Promise<{ events: number; appends: number }>;
  /** Drops the schema or removes the data directory. */
  dispose(): Promise<void>;
}

/** A fresh PostgreSQL schema (dropped by `dispose`) or a fresh PGlite data directory (removed by `dispose`). */
export async function freshStore(backend: Backend, databaseUrl: string, label: string): Promise<BenchStore> {
  const base = { ...process.env };
  for (const key of ['DATABASE_URL', 'DATABASE_SCHEMA', 'LEDGER_DATA_DIR', 'EVENTSTORE_URL']) delete base[key];
  if (backend === 'postgres') {
    const schema = `bench_${label.replace(/[^a-z0-9]/g, '_')}_${Date.now().toString(36)}_${process.pid}`.slice(0, 63);
    const dispose = onCleanup(async () => {
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      try {
        // The projections' generation schemas are named after the ledger's schema, beside it.
        const generations = await client.query<{ name: string }>(`SELECT nspname AS name FROM pg_namespace WHERE starts_with(nspname, $1)`, [
          `${schema}_rm_`,
        ]);
        for (const { name } of generations.rows) await client.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`);
        await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      } finally {
        await client.end();
      }
    });
    return {
      backend,
      description: `schema ${schema} on ${withoutPassword(databaseUrl)}`,
      env: { ...base, DATABASE_URL: databaseUrl, DATABASE_SCHEMA: schema },
      countEvents: () => pgCount(databaseUrl, `SELECT count(*)::int AS events, count(DISTINCT transaction_id)::int AS appends FROM ${schema}.events`),
      dispose,
    };
  }
  const dataDir = await mkdtemp(join(tmpdir(), `ledger-bench-${label}-`));
  const dispose = onCleanup(() => rm(dataDir, { recursive: true, force: true }));
  return {
    backend,
    description: `PGlite in ${dataDir}`,
    env: { ...base, LEDGER_DATA_DIR: dataDir },
    countEvents: async () => {
      const { openDatabase } = await import('../../libs/database/src/database.js');
      const db = await openDatabase({ dataDir });
      try {
        const [row] = await query<{ events: number; appends: number }>(
          db,
          'SELECT count(*)::int AS events, count(DISTINCT transaction_id)::int AS appends FROM events',
        );
        return row;
      } finally {
        await db.close();
      }
    },
    dispose,
  };
}

/** An existing PostgreSQL schema holding a ledger (kept: `dispose` does nothing). */
export function existingPostgresStore(databaseUrl: string, schema: string): BenchStore {
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`--schema must be a plain lower-case identifier, got "${schema}"`);
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: databaseUrl, DATABASE_SCHEMA: schema };
  for (const key of ['LEDGER_DATA_DIR', 'EVENTSTORE_URL']) delete env[key];
  return {
    backend: 'postgres',
    description: `existing schema ${schema} on ${withoutPassword(databaseUrl)}`,
    env,
    countEvents: () => pgCount(databaseUrl, `SELECT count(*)::int AS events, count(DISTINCT transaction_id)::int AS appends FROM ${schema}.events`),
    dispose: async () => {},
  };
}

async function pgCount(url: string, sql: string): Promise<{ events: number; appends: number }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<{ events: number; appends: number }>(sql)).rows[0];
  } finally {
    await client.end();
  }
}

export async function postgresVersion(url: string): Promise<string | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
    return (await client.query<{ v: string }>(`SELECT current_setting('server_version') AS v`)).rows[0].v;
  } catch {
    return null;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url;
  }
}

// ── Child processes ────────────────────────────────────────────────────────

export interface ChildRun {
  readonly child: ChildProcess;
  /** Resolves with the exit code (null when killed) once the process has ended. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; timedOut: boolean; peakRssMiB: number | null }>;
  kill(): void;
}

/**
 * Spawns `node …args` with a time limit (SIGKILL when it passes); `onStdoutLine` / `onStderrLine`
 * get every line. Samples the child's peak RSS (Linux /proc) while it runs.
 */
export function runNode(
  args: readonly string[],
  options: {
    env: NodeJS.ProcessEnv;
    timeoutMs: number;
    ipc?: boolean;
    onStdoutLine?: (line: string) => void;
    onStderrLine?: (line: string) => void;
  },
): ChildRun {
  const child = spawn(process.execPath, [...args], {
    env: options.env,
    cwd: process.cwd(),
    stdio: ['ignore', 'pipe', 'pipe', ...(options.ipc ? ['ipc' as const] : [])],
  });
  let timedOut = false;
  let peakKiB: number | null = null;
  const sample = () => {
    try {
      const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (match) peakKiB = Math.max(peakKiB ?? 0, Number(match[1]));
    } catch {
      // Not Linux, or the process is gone.
    }
  };
  const sampler = setInterval(sample, 250);
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, options.timeoutMs);
  if (options.onStdoutLine) createInterface({ input: child.stdout! }).on('line', options.onStdoutLine);
  else child.stdout!.resume();
  if (options.onStderrLine) createInterface({ input: child.stderr! }).on('line', options.onStderrLine);
  else child.stderr!.resume();
  const kill = onCleanup(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; timedOut: boolean; peakRssMiB: number | null }>(
    (resolve, reject) => {
      child.on('error', reject);
      child.on('exit', (code, signal) => {
        clearInterval(sampler);
        clearTimeout(timer);
        void kill();
        resolve({ code, signal, timedOut, peakRssMiB: peakKiB === null ? null : Math.round(peakKiB / 1024) });
      });
    },
  );
  return { child, exited, kill: () => void kill() };
}

// ── Progress and statistics ────────────────────────────────────────────────

/** Writes `[label] …` on stderr. */
export function log(label: string, message: string): void {
  process.stderr.write(`[${label}] ${message}\n`);
}

/** Calls `report(elapsedSeconds)` about once a second until stopped. */
export function ticker(report: (elapsedSeconds: number) => void, intervalMs = 1_000): () => void {
  const started = performance.now();
  const timer = setInterval(() => report((performance.now() - started) / 1000), intervalMs);
  return () => clearInterval(timer);
}

export interface LatencySummary {
  readonly count: number;
  readonly meanMs: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

export function summarizeLatencies(samples: readonly number[]): LatencySummary {
  const sorted = Float64Array.from(samples).sort();
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
  const mean = sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length);
  return {
    count: sorted.length,
    meanMs: round(mean),
    p50Ms: round(at(0.5)),
    p95Ms: round(at(0.95)),
    p99Ms: round(at(0.99)),
    maxMs: round(sorted.at(-1) ?? 0),
  };
}

export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export function machineInfo(postgres: string | null) {
  const cpu = cpus();
  return {
    cpus: cpu.length,
    cpuModel: cpu[0]?.model ?? 'unknown',
    memoryGiB: round(totalmem() / 2 ** 30, 1),
    freeMemoryGiB: round(freemem() / 2 ** 30, 1),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    postgres,
    pglite: packageVersion('@electric-sql/pglite'),
  };
}

/** The 1-minute load average: the machine may be shared, so every figure records how busy it was. */
export function loadAverage(): number {
  return round(loadavg()[0], 2);
}

function packageVersion(name: string): string | null {
  try {
    return (JSON.parse(readFileSync(join(process.cwd(), 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return null;
  }
}

/** Runs `main` with the command line when `moduleUrl` is the script node was started with; errors go to stderr as `name: …`. */
export function runAsScript(moduleUrl: string, name: string, main: (argv: readonly string[]) => Promise<number>): void {
  if (!process.argv[1] || moduleUrl !== pathToFileURL(resolve(process.argv[1])).href) return;
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`${name}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}

/** The commit the working tree is on, and how many files differ from it (other work in progress is measured too). */
export function sourceTree(): { commit: string | null; changedFiles: number | null } {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const changed = execFileSync('git', ['status', '--porcelain'], { encoding: 'utf8' }).split('\n').filter(Boolean).length;
    return { commit, changedFiles: changed };
  } catch {
    return { commit: null, changedFiles: null };
  }
}
