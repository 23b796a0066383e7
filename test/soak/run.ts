import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { openDatabase, type LedgerDatabase } from '../../libs/database/src/database.js';
import { dropSchemaWithGenerations } from '../../libs/database/src/testing/test-postgres.js';
import { DEFAULT_DATABASE_URL, loadAverage, round, summarizeLatencies } from '../bench/bench-support.js';
import { ledgerEnv, runLedger, scratchDirectory, startNode, writeNdjson, type NodeProcess } from '../fault/support/ledger-process.js';
import { createKey, startServer, type LedgerServer } from '../fault/support/ledger-server.js';
import { waitForProjectionsAtLogEnd } from '../fault/support/projection-progress.js';
import type { ClientConfig, ClientTally, SoakAccount } from './soak-traffic.js';

const USAGE = `Usage: npm run soak -- [options]
  --minutes N        how long the clients send traffic (default 10)
  --clients N        client processes (default 4)
  --accounts N       accounts the traffic is spread over (default 3)
  --users N          users per account (default 30; each account has 12 KSE seats and 8 KRE units)
  --keep-schema      leave the PostgreSQL schema in place afterwards
Environment: DATABASE_URL (default ${DEFAULT_DATABASE_URL}), DATABASE_SCHEMA (default a fresh soak_… schema)`;

const CLIENT_SCRIPT = fileURLToPath(new URL('./client.js', import.meta.url));
const PROGRESS_EVERY_MS = 5_000;

interface Options {
  readonly minutes: number;
  readonly clients: number;
  readonly accounts: number;
  readonly users: number;
  readonly keepSchema: boolean;
}

function parseOptions(argv: readonly string[]): Options {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      minutes: { type: 'string' },
      clients: { type: 'string' },
      accounts: { type: 'string' },
      users: { type: 'string' },
      'keep-schema': { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const positive = (name: string, value: string | undefined, fallback: number, whole = true) => {
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0 || (whole && !Number.isInteger(n)))
      throw new Error(`--${name} must be a positive ${whole ? 'whole ' : ''}number, got '${value}'`);
    return n;
  };
  return {
    minutes: positive('minutes', values.minutes, 10, false),
    clients: positive('clients', values.clients, 4),
    accounts: positive('accounts', values.accounts, 3),
    users: positive('users', values.users, 30),
    keepSchema: values['keep-schema'] === true,
  };
}

/** Accounts opened an hour ago: an org, users, 12 KSE seats (fewer than the users) and 8 KRE units. */
function setupCommands(accountIds: readonly string[], users: number): object[] {
  const start = Date.now() - 3_600_000;
  const at = (second: number) => new Date(start + second * 1000).toISOString();
  const startsAt = new Date(Date.now() - 86_400_000).toISOString();
  const expiresAt = new Date(Date.now() + 365 * 86_400_000).toISOString();
  return accountIds.flatMap((accountId) => [
    { type: 'OpenAccount', accountId, name: `Soak ${accountId}`, timezone: 'Europe/Berlin', at: at(0) },
    { type: 'CreateOrganization', accountId, orgId: 'eng', name: 'Engineering', at: at(1) },
    ...Array.from({ length: users }, (_, i) => ({
      type: 'RegisterUser',
      accountId,
      userId: `u${i}`,
      email: `u${i}@${accountId}.example`,
      fullName: `User ${i}`,
      orgId: 'eng',
      at: at(2),
    })),
    { type: 'PurchaseLicenses', accountId, purchaseId: 'kse', product: 'KSE', quantity: 12, startsAt, expiresAt, at: at(3) },
    { type: 'PurchaseLicenses', accountId, purchaseId: 'kre', product: 'KRE', quantity: 8, startsAt, expiresAt, at: at(3) },
  ]);
}

interface ClientRun {
  readonly process: NodeProcess;
  progress: { commands: number; queries: number; rejected: number; unexpected: number };
  tally?: ClientTally;
}

/** A client process; its progress and final tally arrive as JSON lines on stdout. */
function startClient(config: ClientConfig): ClientRun {
  const client = startNode(CLIENT_SCRIPT, [JSON.stringify(config)], { PATH: process.env.PATH });
  const run: ClientRun = { process: client, progress: { commands: 0, queries: 0, rejected: 0, unexpected: 0 } };
  createInterface({ input: client.child.stdout! }).on('line', (line) => {
    const message = JSON.parse(line) as { progress?: ClientRun['progress']; done?: ClientTally };
    if (message.progress) run.progress = message.progress;
    if (message.done) run.tally = message.done;
  });
  return run;
}

/** `ledger verify --account ID` for each account: answers the problems found (drift, or a failure). */
async function verifyAccounts(env: NodeJS.ProcessEnv, accountIds: readonly string[]): Promise<string[]> {
  const problems: string[] = [];
  for (const accountId of accountIds) {
    const verified = await runLedger(['verify', '--account', accountId], env, 600_000);
    console.error(`[soak] ledger verify --account ${accountId}: exit ${verified.code}`);
    if (verified.code !== 0)
      problems.push(`ledger verify --account ${accountId} exited ${verified.code}: ${(verified.stdout + verified.stderr).slice(0, 2_000)}`);
  }
  return problems;
}

function sum(records: readonly Record<string, number>[]): Record<string, number> {
  const total: Record<string, number> = {};
  for (const record of records) for (const [key, n] of Object.entries(record)) total[key] = (total[key] ?? 0) + n;
  return total;
}

const count = (record: Record<string, number>) => Object.values(record).reduce((a, b) => a + b, 0);

async function main(argv: readonly string[]): Promise<number> {
  const options = parseOptions(argv);
  const url = process.env.DATABASE_URL?.trim() || DEFAULT_DATABASE_URL;
  const freshSchema = !process.env.DATABASE_SCHEMA?.trim();
  const schema = process.env.DATABASE_SCHEMA?.trim() || `soak_${Date.now().toString(36)}_${randomBytes(2).toString('hex')}`;
  const env = ledgerEnv(url, schema, { RATE_LIMIT_REQUESTS: '0', LOG_LEVEL: 'warn' });
  const accountIds = Array.from({ length: options.accounts }, (_, i) => `soak${i + 1}`);
  const log = (message: string) => console.error(`[soak] ${message}`);
  log(`${options.minutes} min, ${options.clients} clients, ${options.accounts} accounts × ${options.users} users; PostgreSQL schema ${schema}`);

  const scratch = await scratchDirectory('soak');
  let server: LedgerServer | undefined;
  let database: LedgerDatabase | undefined;
  const clients: ClientRun[] = [];
  try {
    const setup = scratch.file('setup.ndjson');
    await writeNdjson(setup, setupCommands(accountIds, options.users));
    const imported = await runLedger(['import', setup, '--no-wait'], env);
    if (imported.code !== 0) throw new Error(`setup import failed (${imported.code}): ${imported.stderr}`);
    const accounts: SoakAccount[] = [];
    for (const accountId of accountIds) {
      accounts.push({
        accountId,
        token: await createKey(env, 'account-admin', accountId),
        users: Array.from({ length: options.users }, (_, i) => `u${i}`),
      });
    }
    server = await startServer(env);
    log(`server on ${server.url}; starting ${options.clients} clients`);

    const seconds = options.minutes * 60;
    const started = performance.now();
    for (let client = 0; client < options.clients; client++) {
      clients.push(startClient({ url: server.url, accounts, seconds, client, seed: 1_000 + client }));
    }
    const progress = setInterval(() => {
      const elapsed = (performance.now() - started) / 1000;
      const totals = sum(clients.map((c) => c.progress));
      log(
        `${Math.round(elapsed)}/${seconds} s: ${totals.commands ?? 0} commands (${Math.round((totals.commands ?? 0) / elapsed)}/s), ` +
          `${totals.queries ?? 0} queries, ${totals.rejected ?? 0} rule rejections, ${totals.unexpected ?? 0} unexpected; load ${loadAverage()}`,
      );
    }, PROGRESS_EVERY_MS);
    const exits = await Promise.all(clients.map((c) => c.process.exited));
    clearInterval(progress);
    const elapsed = (performance.now() - started) / 1000;
    const crashed = exits.map((exit, i) => ({ exit, i })).filter(({ exit, i }) => exit.code !== 0 || !clients[i].tally);
    for (const { exit, i } of crashed) log(`client ${i} ended with ${exit.code ?? exit.signal}: ${clients[i].process.stderr().slice(0, 1_000)}`);
    const tallies = clients.flatMap((c) => (c.tally ? [c.tally] : []));

    log('waiting for the projections to catch up');
    database = await openDatabase({ databaseUrl: url, schema });
    await waitForProjectionsAtLogEnd(database, 300_000);
    if (server.process.child.exitCode !== null) throw new Error(`the server ended during the soak: ${server.process.stderr().slice(-2_000)}`);
    log('verifying every account');
    const drift = await verifyAccounts(env, accountIds);

    const rejections = sum(tallies.map((t) => t.rejections));
    const unexpected = sum(tallies.map((t) => t.unexpected));
    const commands = summarizeLatencies(tallies.flatMap((t) => t.commandMs));
    const queries = summarizeLatencies(tallies.flatMap((t) => t.queryMs));
    const result = {
      seconds: round(elapsed, 1),
      clients: options.clients,
      accounts: options.accounts,
      load: loadAverage(),
      commands: {
        count: commands.count,
        perSecond: round(commands.count / elapsed, 1),
        p50Ms: commands.p50Ms,
        p99Ms: commands.p99Ms,
        maxMs: commands.maxMs,
      },
      queries: {
        count: queries.count,
        perSecond: round(queries.count / elapsed, 1),
        p50Ms: queries.p50Ms,
        p99Ms: queries.p99Ms,
        maxMs: queries.maxMs,
      },
      expectedRejections: { total: count(rejections), byCode: rejections },
      unexpectedErrors: { total: count(unexpected) + crashed.length, byKind: unexpected, clientsCrashed: crashed.length },
      samples: tallies.flatMap((t) => t.samples).slice(0, 10),
      drift,
    };
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    const failed = result.unexpectedErrors.total > 0 || drift.length > 0;
    log(
      failed
        ? `FAILED: ${result.unexpectedErrors.total} unexpected errors, ${drift.length} drifted report bodies`
        : 'OK: no unexpected error, no drift',
    );
    return failed ? 1 : 0;
  } finally {
    for (const client of clients) client.process.kill();
    await server?.stop();
    await database?.close();
    await scratch.remove();
    if (freshSchema && !options.keepSchema) await dropSchemaWithGenerations(url, schema);
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    console.error(`[soak] ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(2);
  },
);
