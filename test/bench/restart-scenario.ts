import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { createHistory } from '../../libs/history-generator/src/generate-history.js';
import { openDatabase, type LedgerDatabase } from '../../libs/database/src/database.js';
import { decodeAccountState } from '../../libs/domain/src/index.js';
import { createEventStore } from '../../libs/event-store/src/create-event-store.js';
import type { EventStore } from '../../libs/event-store/src/event-store.js';
import { countingStreamReads } from '../../libs/event-store/src/testing/event-store-probes.js';
import { AccountLedger } from '../../libs/ledger/src/account-ledger.js';
import { createAccountSnapshots } from '../../libs/ledger/src/account-snapshots.js';
import { accountStreamId, foldStored } from '../../libs/ledger/src/account-stream.js';
import type { CommandContext, IncomingCommand } from '../../libs/ledger/src/command-gateway.js';
import { SystemClock } from '../../libs/platform/src/clock.js';
import { DEFAULT_SNAPSHOT_EVERY_EVENTS } from '../../libs/platform/src/config.js';
import {
  DEFAULT_DATABASE_URL,
  loadAverage,
  log,
  machineInfo,
  postgresVersion,
  round,
  runAsScript,
  runNode,
  withoutPassword,
} from './bench-support.js';

/**
 * `restart-postgres`: first command on a big account after a restart, with and without account-state
 * snapshots, in one run.
 *
 *   npm run bench -- --only restart-postgres --restart-schema bench_restart_2m --restart-commands 1900000
 *   node dist/test/bench/restart-scenario.js --schema bench_restart_2m --commands 1900000   (the same, alone)
 *
 * Imports a one-account history into the schema unless it holds events already (kept for the next
 * run), takes a snapshot, appends `--tail` events after it (default: the most the default cadence
 * leaves unsnapshotted), then starts a fresh process per measurement, alternately without and with
 * snapshots: the time of its first command (the load of the account, decide, append) and of its
 * second (the state cached). Results: bench-results/snapshots.json and a Markdown line on stdout.
 */

const USAGE = `Usage: node dist/test/bench/restart-scenario.js --schema SCHEMA [options]
  --commands N        commands of the one-account history imported into an empty schema (default 1900000, ~2M events)
  --tail N            events appended after the snapshot (default ${DEFAULT_SNAPSHOT_EVERY_EVENTS - 1})
  --runs N            fresh processes per variant (default 5)
  --database-url URL  PostgreSQL server (default BENCH_DATABASE_URL, TEST_DATABASE_URL or ${DEFAULT_DATABASE_URL})
  --out FILE          results file (default bench-results/snapshots.json)`;

const ctx: CommandContext = { actor: 'bench', correlationId: 'bench-restart' };
const IMPORT_BATCH = 2_000;

interface Opened {
  readonly database: LedgerDatabase;
  readonly store: EventStore;
  close(): Promise<void>;
}

async function open(databaseUrl: string, schema: string): Promise<Opened> {
  const database = await openDatabase({ databaseUrl, schema });
  const store = await createEventStore({ database });
  return { database, store, close: async () => (await store.close(), await database.close()) };
}

/** A command that appends one event to any account: an organization of its own. */
const newOrganization = (accountId: string, label: string): IncomingCommand => ({
  type: 'CreateOrganization',
  accountId,
  orgId: `bench-${label}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`,
  name: label,
});

async function biggestAccount(db: Opened): Promise<{ accountId: string; events: number } | null> {
  const { rows } = await sql<{ stream_id: string; events: string }>`SELECT stream_id, count(*)::text AS events FROM events
    GROUP BY stream_id ORDER BY count(*) DESC LIMIT 1`.execute(db.database.kysely());
  if (rows.length === 0) return null;
  return { accountId: rows[0].stream_id.replace(/^account-/, ''), events: Number(rows[0].events) };
}

async function importHistory(db: Opened, commands: number): Promise<void> {
  const history = createHistory({ commands, accounts: 1, users: Math.round(commands / 25), days: 365 });
  const ledger = new AccountLedger(db.store, new SystemClock(), 900_000);
  const started = performance.now();
  let batch: IncomingCommand[] = [];
  let done = 0;
  const flush = async () => {
    await ledger.executeMany(batch, ctx);
    done += batch.length;
    batch = [];
    const seconds = (performance.now() - started) / 1000;
    if (done % (IMPORT_BATCH * 25) === 0 || done === commands) {
      const eta = Math.round((seconds / done) * (commands - done));
      log('import', `${((100 * done) / commands).toFixed(1)}% (${done}/${commands} commands, ${Math.round(done / seconds)}/s, ETA ${eta} s)`);
    }
  };
  for (const command of history.commands) {
    batch.push(command as unknown as IncomingCommand);
    if (batch.length === IMPORT_BATCH) await flush();
  }
  if (batch.length > 0) await flush();
}

/** Writes a snapshot of the account now, then appends `tail` events after it. */
async function snapshotThenTail(db: Opened, accountId: string, tail: number): Promise<{ encodeAndWriteMs: number; bytes: number; revision: string }> {
  const snapshots = createAccountSnapshots(db.database, db.store.storeId);
  const taker = new AccountLedger(db.store, new SystemClock(), 900_000, undefined, { snapshots, everyEvents: 1 });
  await taker.execute(newOrganization(accountId, 'snapshot'), ctx);
  const started = performance.now();
  await taker.snapshotsWritten();
  const encodeAndWriteMs = performance.now() - started;
  const taken = await snapshots.latest(accountId);
  if (!taken) throw new Error('no snapshot was written');
  // Loads the account from the snapshot just taken, writes none.
  const plain = new AccountLedger(db.store, new SystemClock(), 900_000, undefined, { snapshots, everyEvents: 0 });
  for (let i = 0; i < tail; i += IMPORT_BATCH) {
    await plain.executeMany(
      Array.from({ length: Math.min(IMPORT_BATCH, tail - i) }, () => newOrganization(accountId, 'tail')),
      ctx,
    );
  }
  return { encodeAndWriteMs: round(encodeAndWriteMs), bytes: Buffer.byteLength(taken.state), revision: taken.revision.toString() };
}

interface Measured {
  readonly firstMs: number;
  readonly secondMs: number;
  readonly eventsRead: number;
}

/** In a fresh process: the first and second command on the account, with or without snapshots. */
async function measure(databaseUrl: string, schema: string, accountId: string, withSnapshots: boolean): Promise<Measured> {
  const db = await open(databaseUrl, schema);
  try {
    const counted = countingStreamReads(db.store);
    const snapshots = createAccountSnapshots(db.database, db.store.storeId);
    const ledger = new AccountLedger(counted.store, new SystemClock(), 900_000, undefined, withSnapshots ? { snapshots, everyEvents: 0 } : undefined);
    let started = performance.now();
    await ledger.execute(newOrganization(accountId, 'first'), ctx);
    const firstMs = performance.now() - started;
    const eventsRead = counted.read();
    started = performance.now();
    await ledger.execute(newOrganization(accountId, 'second'), ctx);
    return { firstMs: round(firstMs), secondMs: round(performance.now() - started), eventsRead };
  } finally {
    await db.close();
  }
}

/** In a fresh process: where the time of a load from a snapshot goes. */
async function phases(databaseUrl: string, schema: string, accountId: string): Promise<Record<string, number>> {
  const db = await open(databaseUrl, schema);
  try {
    const snapshots = createAccountSnapshots(db.database, db.store.storeId);
    let t = performance.now();
    const lap = () => {
      const now = performance.now();
      const ms = round(now - t);
      t = now;
      return ms;
    };
    const snapshot = (await snapshots.latest(accountId))!;
    const readSnapshotMs = lap();
    const state = decodeAccountState(snapshot.state);
    const decodeMs = lap();
    const tail = await db.store.readStream(accountStreamId(accountId), snapshot.revision);
    const readTailMs = lap();
    foldStored(state, tail.slice(1));
    return { readSnapshotMs, decodeMs, readTailMs, foldTailMs: lap(), tailEvents: tail.length - 1 };
  } finally {
    await db.close();
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : round((sorted[mid - 1] + sorted[mid]) / 2);
}

async function inChild<T>(args: readonly string[]): Promise<T> {
  let answer: T | undefined;
  // This module's own script: the measuring processes run its `--measure` mode, whoever started the scenario.
  const run = runNode([fileURLToPath(import.meta.url), ...args], {
    env: process.env,
    timeoutMs: 600_000,
    onStdoutLine: (line) => {
      if (line.startsWith('{')) answer = JSON.parse(line) as T;
      else process.stderr.write(`  ${line}\n`);
    },
    onStderrLine: (line) => process.stderr.write(`  ${line}\n`),
  });
  const { code } = await run.exited;
  if (code !== 0 || answer === undefined) throw new Error(`measuring process ${args.join(' ')} ended with code ${code}`);
  return answer;
}

export async function main(argv: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      schema: { type: 'string' },
      commands: { type: 'string', default: '1900000' },
      tail: { type: 'string', default: String(DEFAULT_SNAPSHOT_EVERY_EVENTS - 1) },
      runs: { type: 'string', default: '5' },
      'database-url': { type: 'string' },
      out: { type: 'string', default: 'bench-results/snapshots.json' },
      measure: { type: 'string' },
      account: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const databaseUrl = values['database-url'] ?? process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? DEFAULT_DATABASE_URL;
  if (values.help || !values.schema || !/^[a-z_][a-z0-9_]*$/.test(values.schema)) {
    process.stderr.write(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  const schema = values.schema;
  if (values.measure) {
    const accountId = values.account!;
    const result =
      values.measure === 'phases'
        ? await phases(databaseUrl, schema, accountId)
        : await measure(databaseUrl, schema, accountId, values.measure === 'with');
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return 0;
  }

  const { line } = await runRestartScenario({
    databaseUrl,
    schema,
    commands: Number(values.commands),
    tail: Number(values.tail),
    runs: Number(values.runs),
    out: values.out!,
    command: `node dist/test/bench/restart-scenario.js ${argv.join(' ')}`,
  });
  process.stdout.write(line);
  return 0;
}

export interface RestartOptions {
  readonly databaseUrl: string;
  /** Kept between runs: a one-account history is imported into it when it holds no events. */
  readonly schema: string;
  /** Commands of that history. */
  readonly commands: number;
  /** Events appended after the snapshot. */
  readonly tail: number;
  /** Fresh processes per variant. */
  readonly runs: number;
  /** Results file (written whole). */
  readonly out: string;
  /** How the run was started, for the results. */
  readonly command: string;
}

/** Measures, writes `options.out` and answers the results with a Markdown line. */
export async function runRestartScenario(options: RestartOptions): Promise<{ result: Record<string, unknown>; line: string }> {
  const { databaseUrl, schema } = options;
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`the restart schema must be a plain lower-case identifier, got "${schema}"`);
  const postgres = await postgresVersion(databaseUrl);
  if (postgres === null) throw new Error(`PostgreSQL is not reachable at ${withoutPassword(databaseUrl)}`);
  const db = await open(databaseUrl, schema);
  let account = await biggestAccount(db);
  if (!account) {
    log('restart', `importing a ${options.commands}-command one-account history into schema ${schema}`);
    await importHistory(db, options.commands);
    account = (await biggestAccount(db))!;
  }
  log('restart', `account ${account.accountId}: ${account.events} events; taking a snapshot and appending ${options.tail} events after it`);
  const snapshot = await snapshotThenTail(db, account.accountId, options.tail);
  await db.close();

  const loadBefore = loadAverage();
  const runs: { without: Measured; with: Measured }[] = [];
  for (let i = 0; i < options.runs; i++) {
    const child = (mode: string) =>
      inChild<Measured>(['--measure', mode, '--schema', schema, '--account', account.accountId, '--database-url', databaseUrl]);
    // Alternate which variant goes first, so neither always meets a warmer database.
    const without = i % 2 === 0 ? await child('without') : undefined;
    const withSnapshot = await child('with');
    runs.push({ without: without ?? (await child('without')), with: withSnapshot });
    log('restart', `run ${i + 1}: without ${runs[i].without.firstMs} ms, with ${runs[i].with.firstMs} ms`);
  }
  const breakdown = await inChild<Record<string, number>>([
    '--measure',
    'phases',
    '--schema',
    schema,
    '--account',
    account.accountId,
    '--database-url',
    databaseUrl,
  ]);
  const without = median(runs.map((r) => r.without.firstMs));
  const withSnapshots = median(runs.map((r) => r.with.firstMs));
  const result = {
    scenario: 'restart-postgres',
    at: new Date().toISOString(),
    command: options.command,
    commit: execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim(),
    machine: machineInfo(`PostgreSQL ${postgres}`),
    loadAverage: { before: loadBefore, after: loadAverage() },
    account: { ...account, snapshotRevision: snapshot.revision, snapshotBytes: snapshot.bytes, tailEvents: options.tail },
    snapshotEncodeAndWriteMs: snapshot.encodeAndWriteMs,
    firstCommandMs: { without, with: withSnapshots, ratio: round(without / withSnapshots, 1) },
    secondCommandMs: { without: median(runs.map((r) => r.without.secondMs)), with: median(runs.map((r) => r.with.secondMs)) },
    loadFromSnapshot: breakdown,
    runs,
  };
  const out = resolve(options.out);
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, `${JSON.stringify(result, null, 2)}\n`);
  log('restart', `results in ${out}`);
  const line = `| ${account.events} events | first command without snapshots **${without} ms** | with **${withSnapshots} ms** (${result.firstCommandMs.ratio}×) | second command ${result.secondCommandMs.without} / ${result.secondCommandMs.with} ms |\n`;
  return { result, line };
}

runAsScript(import.meta.url, 'restart-scenario', main);
