import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** `bin/ledger.js` of this checkout: it runs the build in `dist/` (`npm test` builds first). */
const LEDGER_BIN = resolve('bin/ledger.js');

/**
 * Jest time limit of a test that runs ledger processes: they take ~30 s on an idle 2-core machine,
 * several times that on a busy CI runner; the waits inside have deadlines of their own.
 */
export const PROCESS_TEST_TIMEOUT_MS = 240_000;

export interface NodeProcess {
  readonly child: ChildProcess;
  /** Everything written so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves once the process has ended (code null when killed by a signal). */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal?: NodeJS.Signals): void;
}

/** The environment of a `ledger` process on PostgreSQL schema `schema`. */
export function ledgerEnv(databaseUrl: string, schema: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, DATABASE_URL: databaseUrl, DATABASE_SCHEMA: schema, ...extra };
}

/** Starts `node bin/ledger.js …args` as a real OS process. */
export function startLedger(args: readonly string[], env: NodeJS.ProcessEnv): NodeProcess {
  return startNode(LEDGER_BIN, args, env);
}

/** Starts `node SCRIPT …args` as a real OS process, keeping its output. */
export function startNode(script: string, args: readonly string[], env: NodeJS.ProcessEnv): NodeProcess {
  const child = spawn(process.execPath, [script, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done, fail) => {
    child.on('error', fail);
    child.on('close', (code, signal) => done({ code, signal }));
  });
  return {
    child,
    exited,
    stdout: () => out,
    stderr: () => err,
    kill: (signal = 'SIGKILL') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
  };
}

/** Runs `ledger …args` to its end and answers its exit code and output; fails after `timeoutMs`. */
export async function runLedger(args: readonly string[], env: NodeJS.ProcessEnv, timeoutMs = 120_000) {
  const ledger = startLedger(args, env);
  const timer = setTimeout(() => ledger.kill(), timeoutMs);
  const { code, signal } = await ledger.exited;
  clearTimeout(timer);
  if (signal) throw new Error(`ledger ${args.join(' ')} was killed by ${signal} (time limit ${timeoutMs} ms): ${ledger.stderr()}`);
  return { code, stdout: ledger.stdout(), stderr: ledger.stderr() };
}

/** Calls `probe` every `everyMs` until it answers a value other than undefined; throws after `timeoutMs`. */
export async function pollUntil<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000, everyMs = 25): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** A temporary directory, removed by `remove`. */
export async function scratchDirectory(label: string): Promise<{ path: string; file(name: string): string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), `ledger-${label}-`));
  return { path, file: (name) => join(path, name), remove: () => rm(path, { recursive: true, force: true }) };
}

export async function writeNdjson(file: string, commands: readonly object[]): Promise<void> {
  await writeFile(file, commands.map((c) => `${JSON.stringify(c)}\n`).join(''));
}

/** `ledger verify --account ID` for each account, one after the other: its exit code, and its differences when not 0. */
export async function verifyEach(
  accountIds: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<{ accountId: string; code: number | null; differences: string }[]> {
  const results = [];
  for (const accountId of accountIds) {
    const verified = await runLedger(['verify', '--account', accountId], env);
    results.push({ accountId, code: verified.code, differences: verified.code === 0 ? '' : verified.stdout });
  }
  return results;
}
