import { execFileSync } from 'node:child_process';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { freshStore, log, round, runNode, ticker, type Backend } from './bench-support.js';
import { formatProfileSummary, summarizeProfile, type ProfileSummary } from './profile-summary.js';

/**
 * `ledger import FILE.ndjson` of a generated history, through the real path: a child process
 * running `node bin/ledger.js import FILE` against a fresh PostgreSQL schema or PGlite data dir.
 *
 * When the CLI has `--no-wait` (it returns as soon as the file is applied instead of waiting for
 * the projections), the headline figures are the write side alone (`import --no-wait`), and the
 * default `import` (apply, then wait until the projections have caught up) is measured as well,
 * in another fresh store.
 */

export interface ImportScenarioOptions {
  readonly backend: Backend;
  readonly file: string;
  readonly databaseUrl: string;
  readonly timeoutMs: number;
  /** Also measure `ledger import` waiting for the projections (when the CLI has `--no-wait`). */
  readonly withProjections: boolean;
  /** Directory for `--cpu-prof` output; unset → no profile. */
  readonly profileDir?: string;
}

export interface ImportRun {
  /** The exact command line of the child process. */
  readonly ledgerCommand: string;
  readonly commands: number;
  readonly accepted: number;
  readonly rejected: number;
  readonly rejectedByCode: Record<string, number>;
  readonly events: number;
  /** Append transactions (the ledger appends each account's events of a chunk in one). */
  readonly appends: number;
  /** Spawn to exit of the `ledger import` process: start-up, validation of every line, apply, (wait), shutdown. */
  readonly wallSeconds: number;
  readonly commandsPerSecond: number;
  readonly eventsPerSecond: number;
  /** From the first to the last progress line of the import (apply phase only). */
  readonly applyCommandsPerSecond: number | null;
  /** Spawn to the first progress line: start-up, validating the whole file, and the first chunk. */
  readonly secondsToFirstChunk: number | null;
  /** Last progress line to exit: waiting for the projections (when it waits), closing the store. */
  readonly secondsAfterApply: number | null;
  readonly peakRssMiB: number | null;
  readonly exitCode: number | null;
  readonly profile?: { readonly file: string; readonly summary: ProfileSummary };
}

export interface ImportResult extends ImportRun {
  readonly backend: Backend;
  readonly store: string;
  /** Whether the headline run is the write side alone (`--no-wait`) or includes the projections. */
  readonly mode: 'write side only (import --no-wait)' | 'import (no --no-wait in this CLI)';
  /** `ledger import` of an empty file into another fresh store: Node, Nest, opening the store, creating tables. */
  readonly startupSeconds: number;
  /** The default `ledger import`, which returns once the projections have caught up. */
  readonly withProjections: ImportRun | null;
}

const PROGRESS = /^imported (\d+)\/(\d+) commands/;

export async function runImportScenario(options: ImportScenarioOptions): Promise<ImportResult> {
  const label = `import-${options.backend}`;
  const noWait = cliHasNoWait();
  const startupSeconds = await measureStartup(options, noWait);
  log(label, `start-up (an empty file, in a fresh store of its own): ${startupSeconds.toFixed(2)} s`);
  const writeSide = await measureImport(options, label, noWait ? ['--no-wait'] : [], options.profileDir);
  let withProjections: ImportRun | null = null;
  if (noWait && options.withProjections) {
    withProjections = await measureImport(options, `${label}+projections`, [], undefined);
  }
  return {
    backend: options.backend,
    store: options.backend === 'postgres' ? 'PostgreSQL (fresh schema)' : 'PGlite (fresh data dir)',
    mode: noWait ? 'write side only (import --no-wait)' : 'import (no --no-wait in this CLI)',
    startupSeconds: round(startupSeconds),
    ...writeSide,
    withProjections,
  };
}

/** Whether `ledger import` takes `--no-wait` (return without waiting for the projections). */
function cliHasNoWait(): boolean {
  try {
    return execFileSync(process.execPath, ['bin/ledger.js', 'import', '--help'], { encoding: 'utf8', timeout: 60_000 }).includes('--no-wait');
  } catch {
    return false;
  }
}

async function measureImport(options: ImportScenarioOptions, label: string, flags: string[], profileDir: string | undefined): Promise<ImportRun> {
  const store = await freshStore(options.backend, options.databaseUrl, `import_${options.backend}`);
  try {
    log(label, `store: ${store.description}`);
    const profileArgs = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${resolve(profileDir, label)}`] : [];
    if (profileDir) await mkdir(resolve(profileDir, label), { recursive: true });
    const args = ['bin/ledger.js', 'import', options.file, ...flags];
    const progress: { t: number; done: number; total: number }[] = [];
    const rejectedByCode: Record<string, number> = {};
    const otherStderr: string[] = [];
    let lastStdout = '';
    const started = performance.now();
    let lastProgressAt = started;
    const run = runNode([...profileArgs, ...args], {
      env: store.env,
      timeoutMs: options.timeoutMs,
      onStdoutLine: (line) => {
        if (line.trim() !== '') lastStdout = line;
      },
      onStderrLine: (line) => {
        const p = PROGRESS.exec(line);
        if (p) {
          lastProgressAt = performance.now();
          progress.push({ t: lastProgressAt - started, done: Number(p[1]), total: Number(p[2]) });
          log(label, line);
          return;
        }
        const rejection = /^line \d+: ([A-Z_]+) /.exec(line);
        if (rejection) rejectedByCode[rejection[1]] = (rejectedByCode[rejection[1]] ?? 0) + 1;
        else if (!/accepted, \d+ rejected$/.test(line)) {
          otherStderr.push(line);
          if (otherStderr.length > 200) otherStderr.shift();
        }
      },
    });
    const stopTicker = ticker((s) => {
      if (performance.now() - lastProgressAt > 1_500) {
        const latest = progress.at(-1);
        const phase =
          latest === undefined
            ? 'starting / validating the file'
            : latest.done === latest.total
              ? 'applied; waiting for the projections / closing'
              : 'applying';
        log(label, `${s.toFixed(0)} s: ${phase}…`);
      }
    });
    const exit = await run.exited.finally(stopTicker);
    const wallSeconds = (performance.now() - started) / 1000;
    if (exit.timedOut) throw new Error(`${label}: timed out after ${options.timeoutMs / 1000} s (killed)`);
    if (exit.code !== 0 && exit.code !== 3) {
      throw new Error(`${label}: ledger import exited with ${exit.code ?? exit.signal}\n${otherStderr.slice(-20).join('\n')}`);
    }
    const summary = JSON.parse(lastStdout) as { accepted: number; rejected: number };
    const { events, appends } = await store.countEvents();
    const first = progress[0];
    const last = progress.at(-1);
    const applyCommandsPerSecond = first && last && last.t > first.t ? (last.done - first.done) / ((last.t - first.t) / 1000) : null;

    let profile: ImportRun['profile'];
    if (profileDir) {
      const dir = resolve(profileDir, label);
      const files = (await readdir(dir)).filter((f) => f.endsWith('.cpuprofile')).sort();
      if (files.length > 0) {
        const file = join(dir, files.at(-1)!);
        const profileSummary = summarizeProfile(file, 30);
        await writeFile(`${file}.txt`, `${formatProfileSummary(profileSummary)}\n`);
        log(label, `CPU profile: ${file} (summary in ${file}.txt)`);
        profile = { file, summary: profileSummary };
      }
    }
    const commands = summary.accepted + summary.rejected;
    const result: ImportRun = {
      ledgerCommand: `node ${args.join(' ')}`,
      commands,
      accepted: summary.accepted,
      rejected: summary.rejected,
      rejectedByCode,
      events,
      appends,
      wallSeconds: round(wallSeconds),
      commandsPerSecond: Math.round(commands / wallSeconds),
      eventsPerSecond: Math.round(events / wallSeconds),
      applyCommandsPerSecond: applyCommandsPerSecond === null ? null : Math.round(applyCommandsPerSecond),
      secondsToFirstChunk: first ? round(first.t / 1000) : null,
      secondsAfterApply: last ? round(wallSeconds - last.t / 1000) : null,
      peakRssMiB: exit.peakRssMiB,
      exitCode: exit.code,
      ...(profile ? { profile } : {}),
    };
    log(
      label,
      `${commands} commands (${result.rejected} rejected), ${events} events in ${result.wallSeconds} s: ` +
        `${result.commandsPerSecond} commands/s, ${result.eventsPerSecond} events/s`,
    );
    return result;
  } finally {
    await store.dispose();
  }
}

/**
 * Wall time of `ledger import` on an empty file, in a fresh store of its own: Node, Nest, opening
 * the store and creating its tables (on PGlite, creating the database cluster in the data dir).
 */
async function measureStartup(options: ImportScenarioOptions, noWait: boolean): Promise<number> {
  const empty = resolve('bench-results/tmp/empty.ndjson');
  await mkdir(resolve('bench-results/tmp'), { recursive: true });
  await writeFile(empty, '');
  const store = await freshStore(options.backend, options.databaseUrl, `startup_${options.backend}`);
  try {
    const started = performance.now();
    const exit = await runNode(['bin/ledger.js', 'import', empty, ...(noWait ? ['--no-wait'] : [])], {
      env: store.env,
      timeoutMs: options.timeoutMs,
    }).exited;
    if (exit.code !== 0) throw new Error(`ledger import of an empty file exited with ${exit.code ?? exit.signal}`);
    return (performance.now() - started) / 1000;
  } finally {
    await store.dispose();
  }
}
