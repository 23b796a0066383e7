import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freshStore, log, round, runNode, summarizeLatencies, ticker, type Backend, type ChildRun, type LatencySummary } from './bench-support.js';
import { formatProfileSummary, summarizeProfile, type ProfileSummary } from './profile-summary.js';

/**
 * Single-command latency over HTTP: the API (createApp, in a child process so that client and
 * server don't share an event loop) on a fresh store; commands sent one at a time with fetch,
 * then C at a time on one account, then C at a time on C accounts. `at` is left out, as live
 * telemetry does: the ledger stamps it.
 */

export interface HttpScenarioOptions {
  readonly backend: Backend;
  readonly databaseUrl: string;
  readonly timeoutMs: number;
  /** Commands sent one after another (after the warm-up). */
  readonly sequential: number;
  /** Commands sent in each concurrent variant (after its warm-up). */
  readonly concurrent: number;
  readonly concurrency: number;
  readonly warmup: number;
  /** Users per account. */
  readonly users: number;
  /** Also measure against an API that runs no projections (the write side alone). */
  readonly writeSideOnly: boolean;
  readonly profileDir?: string;
}

export interface VariantResult extends LatencySummary {
  readonly accounts: number;
  readonly inFlight: number;
  readonly seconds: number;
  readonly commandsPerSecond: number;
  /** Non-2xx answers by `status code` (none expected). */
  readonly failures: Record<string, number>;
  readonly byCommand: Record<string, { count: number; p50Ms: number; p95Ms: number; p99Ms: number }>;
  readonly truncated: boolean;
}

/** The variants measured against one server. */
export interface ServerRun {
  /** Whether the app authenticates requests (a Bearer account-admin key per account). */
  readonly apiKeys: boolean;
  readonly setupSeconds: number;
  /** `GET /health`, sequential: the floor of HTTP + framework + client, without the ledger. */
  readonly baseline: VariantResult;
  readonly sequential: VariantResult;
  readonly concurrentOneAccount: VariantResult;
  readonly concurrentManyAccounts: VariantResult;
  readonly serverPeakRssMiB: number | null;
  readonly profile?: { readonly file: string; readonly summary: ProfileSummary };
}

export interface HttpResult extends ServerRun {
  readonly backend: Backend;
  readonly store: string;
  readonly usersPerAccount: number;
  readonly warmup: number;
  /** The headline figures: the API as `ledger serve` runs it (createApp defaults: projections in the same process). */
  readonly mode: string;
  /** The same against `createApp(config, { runProjections: false })`: the write side alone. */
  readonly writeSideOnly: ServerRun | null;
}

export interface Request {
  readonly kind: string;
  readonly method: string;
  readonly path: string;
  readonly body?: unknown;
}

const SERVER = fileURLToPath(new URL('./bench-server.js', import.meta.url));
const DAY_MS = 86_400_000;

export async function runHttpScenario(options: HttpScenarioOptions): Promise<HttpResult> {
  const label = `http-${options.backend}`;
  const served = await runServer(options, label, false, options.profileDir);
  const writeSideOnly = options.writeSideOnly ? await runServer(options, `${label}-no-projections`, true, undefined) : null;
  return {
    backend: options.backend,
    store: options.backend === 'postgres' ? 'PostgreSQL (fresh schema)' : 'PGlite (fresh data dir)',
    usersPerAccount: options.users,
    warmup: options.warmup,
    mode: 'as ledger serve runs it (createApp defaults: projections run in the API process)',
    ...served,
    writeSideOnly,
  };
}

/** A fresh store, the API on it, accounts set up, then every variant; the server is stopped at the end. */
async function runServer(options: HttpScenarioOptions, label: string, noProjections: boolean, profileRoot: string | undefined): Promise<ServerRun> {
  const deadline = performance.now() + options.timeoutMs;
  const store = await freshStore(options.backend, options.databaseUrl, `http_${options.backend}`);
  let server: { url: string; run: ChildRun; tokens: Record<string, string> } | undefined;
  try {
    log(label, `store: ${store.description}`);
    const profileDir = profileRoot ? resolve(profileRoot, label) : undefined;
    if (profileDir) await mkdir(profileDir, { recursive: true });
    const c = options.concurrency;
    const accounts = ['bench-seq', 'bench-one', ...Array.from({ length: c }, (_, i) => `bench-many-${i + 1}`)];
    server = await startServer(
      {
        ...store.env,
        BENCH_ACCOUNTS: accounts.join(','),
        ...(noProjections ? { BENCH_NO_PROJECTIONS: '1' } : {}),
      },
      profileDir,
      options.timeoutMs,
    );
    const authenticated = Object.keys(server.tokens).length > 0;
    log(
      label,
      `API on ${server.url}${authenticated ? ' (an account-admin API key per account)' : ''}` + `${noProjections ? ', projections not run' : ''}`,
    );
    const client = new Client(server.url, server.tokens);

    const setupStarted = performance.now();
    for (const [i, accountId] of accounts.entries()) {
      await setUpAccount(client, accountId, options.users, accountId === 'bench-one' ? c : 1);
      if (performance.now() > deadline) throw new Error(`${label}: timed out while setting up accounts`);
      log(label, `set up account ${accountId} (${i + 1}/${accounts.length}, ${options.users} users)`);
    }
    const setupSeconds = (performance.now() - setupStarted) / 1000;

    const users = (accountId: string) => Array.from({ length: options.users }, (_, i) => userIdOf(accountId, i));
    const run = (name: string, workers: RequestSource[], total: number) => runVariant(label, name, client, workers, options.warmup, total, deadline);

    const health: RequestSource = { accountId: '-', next: () => ({ kind: 'health', method: 'GET', path: '/health' }) };
    const baseline = await run('baseline GET /health', [health], Math.min(options.sequential, 1_000));
    const sequential = await run('sequential', [new Workload('bench-seq', users('bench-seq'), 1)], options.sequential);
    const one = users('bench-one');
    const concurrentOneAccount = await run(
      `${c} in flight, 1 account`,
      Array.from(
        { length: c },
        (_, w) =>
          new Workload(
            'bench-one',
            one.filter((_, i) => i % c === w),
            c,
          ),
      ),
      options.concurrent,
    );
    const concurrentManyAccounts = await run(
      `${c} in flight, ${c} accounts`,
      Array.from({ length: c }, (_, w) => new Workload(`bench-many-${w + 1}`, users(`bench-many-${w + 1}`), 1)),
      options.concurrent,
    );

    const exit = await stopServer(server.run);
    server = undefined;
    let profile: ServerRun['profile'];
    if (profileDir) {
      const files = (await readdir(profileDir)).filter((f) => f.endsWith('.cpuprofile')).sort();
      if (files.length > 0) {
        const file = join(profileDir, files.at(-1)!);
        const summary = summarizeProfile(file, 30);
        await writeFile(`${file}.txt`, `${formatProfileSummary(summary)}\n`);
        log(label, `CPU profile: ${file} (summary in ${file}.txt)`);
        profile = { file, summary };
      }
    }
    return {
      apiKeys: authenticated,
      setupSeconds: round(setupSeconds),
      baseline,
      sequential,
      concurrentOneAccount,
      concurrentManyAccounts,
      serverPeakRssMiB: exit.peakRssMiB,
      ...(profile ? { profile } : {}),
    };
  } finally {
    if (server) await stopServer(server.run).catch(() => undefined);
    await store.dispose();
  }
}

interface Started {
  readonly port: number;
  readonly tokens?: Record<string, string>;
}

export async function startServer(
  env: NodeJS.ProcessEnv,
  profileDir: string | undefined,
  timeoutMs: number,
): Promise<{ url: string; run: ChildRun; tokens: Record<string, string> }> {
  const args = [...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []), SERVER];
  const stderr: string[] = [];
  let onStarted: (started: Started) => void = () => undefined;
  const listening = new Promise<Started>((resolveStarted) => {
    onStarted = resolveStarted;
  });
  const run = runNode(args, {
    env,
    timeoutMs,
    ipc: true,
    onStdoutLine: (line) => {
      if (!line.startsWith('{"port":')) return;
      try {
        onStarted(JSON.parse(line) as Started);
      } catch {
        // Not our line.
      }
    },
    onStderrLine: (line) => {
      stderr.push(line);
      if (stderr.length > 50) stderr.shift();
    },
  });
  const exitedEarly = run.exited.then((exit) => {
    throw new Error(`the API exited before listening (${exit.code ?? exit.signal}):\n${stderr.join('\n')}`);
  });
  const started = await Promise.race([
    listening,
    exitedEarly,
    sleep(60_000).then(() => {
      throw new Error('the API did not listen within 60 s');
    }),
  ]);
  return { url: `http://127.0.0.1:${started.port}`, run, tokens: started.tokens ?? {} };
}

export async function stopServer(run: ChildRun) {
  if (run.child.connected) run.child.send('stop');
  const exit = await Promise.race([run.exited, sleep(20_000).then(() => null)]);
  if (exit) return exit;
  run.kill();
  return run.exited;
}

export class Client {
  constructor(
    private readonly base: string,
    private readonly tokens: Record<string, string>,
    /** How long a request may take before it fails. */
    private readonly timeoutMs = 30_000,
  ) {}

  /** Sends one request; answers its status, `code` (problem+json) and latency. */
  async send(request: Request): Promise<{ status: number; code?: string; ms: number }> {
    const headers: Record<string, string> = request.body === undefined ? {} : { 'content-type': 'application/json' };
    const accountId = /^\/v1\/accounts\/([^/]+)/.exec(request.path)?.[1];
    const token = accountId === undefined ? undefined : this.tokens[accountId];
    if (token !== undefined) headers.authorization = `Bearer ${token}`;
    const started = performance.now();
    const response = await fetch(`${this.base}${request.path}`, {
      method: request.method,
      headers,
      body: request.body === undefined ? undefined : JSON.stringify(request.body),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    const text = await response.text();
    const ms = performance.now() - started;
    if (response.ok) return { status: response.status, ms };
    let code: string | undefined;
    try {
      code = (JSON.parse(text) as { code?: string }).code;
    } catch {
      code = undefined;
    }
    return { status: response.status, code, ms };
  }

  async must(request: Request): Promise<void> {
    const answer = await this.send(request);
    if (answer.status >= 300) throw new Error(`${request.method} ${request.path} answered ${answer.status} ${answer.code ?? ''}`);
  }
}

function userIdOf(accountId: string, i: number): string {
  return `${accountId}-u${i + 1}`;
}

/** An account with three organizations, `users` users, KSE seats for 3/4 of them and KRE sessions for `workers`. */
async function setUpAccount(client: Client, accountId: string, users: number, workers: number): Promise<void> {
  const base = `/v1/accounts/${accountId}`;
  await client.must({ kind: 'OpenAccount', method: 'PUT', path: base, body: { name: `Benchmark ${accountId}`, timezone: 'UTC' } });
  const orgs = [
    ['o-1', null],
    ['o-2', null],
    ['o-3', 'o-1'],
  ] as const;
  for (const [orgId, parentOrgId] of orgs) {
    await client.must({
      kind: 'CreateOrganization',
      method: 'POST',
      path: `${base}/organizations`,
      body: { orgId, name: `Org ${orgId}`, parentOrgId },
    });
  }
  for (let i = 0; i < users; i++) {
    const userId = userIdOf(accountId, i);
    await client.must({
      kind: 'RegisterUser',
      method: 'POST',
      path: `${base}/users`,
      body: { userId, email: `${userId}@bench.example.com`, fullName: `Bench User ${i + 1}`, orgId: orgs[i % orgs.length][0] },
    });
  }
  const now = Date.now();
  const window = { startsAt: new Date(now - 30 * DAY_MS).toISOString(), expiresAt: new Date(now + 365 * DAY_MS).toISOString() };
  await client.must({
    kind: 'PurchaseLicenses',
    method: 'POST',
    path: `${base}/purchases`,
    body: { purchaseId: 'p-kse', product: 'KSE', quantity: Math.ceil(users * 0.75), ...window },
  });
  await client.must({
    kind: 'PurchaseLicenses',
    method: 'POST',
    path: `${base}/purchases`,
    body: { purchaseId: 'p-kre', product: 'KRE', quantity: 4 * workers + 4, ...window },
  });
}

interface RequestSource {
  readonly accountId: string;
  next(): Request;
}

/**
 * What one client sends: logins (40 %), seat assignments and unassignments (20 %), session
 * starts, heartbeats and ends (40 %) — always valid: within its share of seats and sessions.
 */
class Workload implements RequestSource {
  private readonly seated = new Set<string>();
  private readonly unseated: string[];
  private readonly open: string[] = [];
  private readonly seatLimit: number;
  private readonly sessionLimit: number;
  private sessions = 0;
  private i = 0;
  private static workerCount = 0;
  private readonly worker = ++Workload.workerCount;

  constructor(
    readonly accountId: string,
    private readonly users: string[],
    sharers: number,
  ) {
    this.unseated = [...users];
    this.seatLimit = Math.max(1, Math.floor(Math.ceil(users.length * sharers * 0.75) / sharers) - 1);
    this.sessionLimit = 3;
  }

  next(): Request {
    const base = `/v1/accounts/${this.accountId}`;
    const r = this.random();
    if (r < 0.4) {
      const userId = this.users[this.i % this.users.length];
      return { kind: 'RecordLogin', method: 'POST', path: `${base}/logins`, body: { product: 'KSE', userId, machineId: `m-${userId}` } };
    }
    if (r < 0.6) {
      const assign = this.seated.size === 0 || (this.seated.size < this.seatLimit && this.random() < 0.5);
      if (assign) {
        const userId = this.unseated.splice(this.i % this.unseated.length, 1)[0];
        this.seated.add(userId);
        return { kind: 'AssignSeat', method: 'POST', path: `${base}/assignments`, body: { product: 'KSE', userId } };
      }
      const userId = [...this.seated][this.i % this.seated.size];
      this.seated.delete(userId);
      this.unseated.push(userId);
      return { kind: 'UnassignSeat', method: 'DELETE', path: `${base}/assignments/KSE/${userId}` };
    }
    if (this.open.length === 0 || (this.open.length < this.sessionLimit && this.random() < 0.35)) {
      const sessionId = `w${this.worker}-s${++this.sessions}`;
      const userId = this.users[(this.i * 7) % this.users.length];
      this.open.push(sessionId);
      return {
        kind: 'StartSession',
        method: 'POST',
        path: `${base}/sessions`,
        body: { product: 'KRE', sessionId, userId, machineId: `m-${userId}` },
      };
    }
    const index = this.i % this.open.length;
    const sessionId = this.open[index];
    if (this.random() < 0.75) return { kind: 'HeartbeatSession', method: 'POST', path: `${base}/sessions/${sessionId}/heartbeat` };
    this.open.splice(index, 1);
    return { kind: 'EndSession', method: 'POST', path: `${base}/sessions/${sessionId}/end` };
  }

  /** Deterministic per worker (a linear congruential sequence), so runs send the same mix. */
  private state = 12345;
  private random(): number {
    this.i++;
    this.state = (Math.imul(this.state, 1103515245) + 12345 + this.worker) >>> 0;
    return this.state / 4294967296;
  }
}

async function runVariant(
  label: string,
  name: string,
  client: Client,
  workers: RequestSource[],
  warmup: number,
  total: number,
  deadline: number,
): Promise<VariantResult> {
  const drive = async (count: number, record: (kind: string, answer: { status: number; code?: string; ms: number }) => void) => {
    let next = 0;
    await Promise.all(
      workers.map(async (worker) => {
        while (next < count && performance.now() < deadline) {
          next++;
          const request = worker.next();
          record(request.kind, await client.send(request));
        }
      }),
    );
  };
  await drive(warmup, () => undefined);

  const latencies: number[] = [];
  const byKind = new Map<string, number[]>();
  const failures: Record<string, number> = {};
  const started = performance.now();
  const stopTicker = ticker((s) => log(label, `${name}: ${latencies.length}/${total} commands (${Math.round(latencies.length / s)} commands/s)`));
  try {
    await drive(total, (kind, answer) => {
      latencies.push(answer.ms);
      const list = byKind.get(kind) ?? [];
      list.push(answer.ms);
      byKind.set(kind, list);
      if (answer.status >= 300) {
        const key = `${kind} ${answer.status} ${answer.code ?? ''}`.trim();
        failures[key] = (failures[key] ?? 0) + 1;
      }
    });
  } finally {
    stopTicker();
  }
  const seconds = (performance.now() - started) / 1000;
  const summary = summarizeLatencies(latencies);
  const byCommand = Object.fromEntries(
    [...byKind].sort().map(([kind, samples]) => {
      const s = summarizeLatencies(samples);
      return [kind, { count: s.count, p50Ms: s.p50Ms, p95Ms: s.p95Ms, p99Ms: s.p99Ms }];
    }),
  );
  const result: VariantResult = {
    ...summary,
    accounts: new Set(workers.map((w) => w.accountId).filter((a) => a !== '-')).size,
    inFlight: workers.length,
    seconds: round(seconds),
    commandsPerSecond: Math.round(latencies.length / seconds),
    failures,
    byCommand,
    truncated: latencies.length < total,
  };
  log(
    label,
    `${name}: ${summary.count} commands in ${result.seconds} s (${result.commandsPerSecond}/s); ` +
      `p50 ${summary.p50Ms} ms, p95 ${summary.p95Ms} ms, p99 ${summary.p99Ms} ms, max ${summary.maxMs} ms` +
      `${Object.keys(failures).length > 0 ? `; failures ${JSON.stringify(failures)}` : ''}`,
  );
  return result;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}
