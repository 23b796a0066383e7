import pg from 'pg';
import { log, round, summarizeLatencies, type LatencySummary } from './bench-support.js';
import { Client, startServer, stopServer, type Request } from './http-scenario.js';

/**
 * `replays-postgres` (issue 15, item 5: replays cannot starve reports): the p95 of a plain report
 * (the sessions table of the biggest account) while the server is quiet, then while `inFlight`
 * replays run back to back — as-of replays of that account's whole history (`licenses?asOf=` its last
 * event), or the capacity replays of SPEC §8 (what-if under other quantities and the reclaim-policy
 * back-test over its last year, alternating). Measured in one run for each way of replaying — in the
 * event loop (`REPLAY_THREADS=off`, as before) and on replay threads (`on`) — on the same data, with
 * REPLAY_CONCURRENCY = inFlight so every replay is admitted. The target: loaded p95 ≤ 2 × quiet p95.
 */

/** What is kept in flight while loaded. */
export const REPLAY_LOADS = ['as-of', 'capacity'] as const;
export type ReplayLoad = (typeof REPLAY_LOADS)[number];

export interface ReplayLoadOptions {
  readonly databaseUrl: string;
  /** An imported, projected ledger (read only: nothing is written to it). */
  readonly schema: string;
  /** Replays in flight while loaded (default 8). */
  readonly inFlight: number;
  /** Which replays, each measured in the event loop and on threads (default both). */
  readonly loads: readonly ReplayLoad[];
  /** Rounds of a quiet phase then a loaded phase. */
  readonly rounds: number;
  /** Plain reports timed per phase, one after another... */
  readonly samples: number;
  /** ...or fewer when a phase takes longer than this (a starved server answers a few a minute). */
  readonly phaseSeconds: number;
  readonly timeoutMs: number;
}

export interface ReplayLoadVariant {
  readonly load: ReplayLoad;
  readonly replayThreads: boolean;
  readonly quiet: LatencySummary;
  readonly loaded: LatencySummary;
  /** loaded p95 / quiet p95: ≤ 2 is the target. */
  readonly p95Ratio: number;
  readonly meetsTarget: boolean;
  /** The replays answered while loaded, and their latency. */
  readonly replays: LatencySummary;
  /** Replays refused (503 BUSY), failed or timed out: 0 when every one was admitted and answered. */
  readonly replaysRefused: number;
  readonly peakRssMiB: number | null;
}

export interface ReplayLoadResult {
  readonly schema: string;
  readonly accountId: string;
  readonly accountEvents: number;
  readonly asOf: string;
  readonly inFlight: number;
  readonly plainReport: string;
  /** The as-of replay. */
  readonly replay: string;
  /** The capacity replays, sent in turn. */
  readonly capacityReplays: readonly string[];
  readonly variants: readonly ReplayLoadVariant[];
}

export const REPLAY_LOAD_TARGET_RATIO = 2;

export async function runReplayLoadScenario(options: ReplayLoadOptions): Promise<ReplayLoadResult> {
  const { accountId, events, lastAt } = await biggestAccount(options.databaseUrl, options.schema);
  log('replays', `account ${accountId}: ${events.toLocaleString('en-US')} events, replayed as of ${lastAt}`);
  const base = `/v1/accounts/${accountId}`;
  const plain = (i: number): Request => ({ kind: 'report', method: 'GET', path: `${base}/reports/sessions?product=KRE&page=${(i % 10) + 1}` });
  const replay: Request = { kind: 'replay', method: 'GET', path: `${base}/licenses?asOf=${encodeURIComponent(lastAt)}` };
  const capacity = capacityReplays(base, lastAt);
  const replays: Record<ReplayLoad, (i: number) => Request> = { 'as-of': () => replay, capacity: (i) => capacity[i % capacity.length]! };
  const variants: ReplayLoadVariant[] = [];
  for (const load of options.loads) {
    for (const replayThreads of [false, true]) {
      variants.push(await measureVariant(options, accountId, { load, replayThreads }, plain, replays[load]));
    }
  }
  return {
    schema: options.schema,
    accountId,
    accountEvents: events,
    asOf: lastAt,
    inFlight: options.inFlight,
    plainReport: plain(0).path,
    replay: replay.path,
    capacityReplays: capacity.map((r) => r.path),
    variants,
  };
}

/**
 * The capacity replays over the year up to `lastAt` (SPEC §8): what-if of KRE under five other
 * account quantities, and the reclaim back-test of KSE under three idle policies — different
 * questions, so that no answer is a repeat of the one before.
 */
function capacityReplays(base: string, lastAt: string): Request[] {
  const to = lastAt.slice(0, 10);
  const from = new Date(Date.parse(lastAt) - 364 * 86_400_000).toISOString().slice(0, 10);
  const window = `from=${from}&to=${to}&interval=month`;
  const whatIf = [1, 3, 5, 8, 12].map((quantity) => `${base}/reports/what-if?product=KRE&${window}&quantity=${quantity}`);
  const backTest = [7, 30, 90].map((idleDays) => `${base}/reports/reclaim-backtest?product=KSE&${window}&idleDays=${idleDays}`);
  const paths = whatIf.flatMap((path, i) => [path, backTest[i % backTest.length]!]);
  return paths.map((path) => ({ kind: 'replay', method: 'GET', path }));
}

async function measureVariant(
  options: ReplayLoadOptions,
  accountId: string,
  { load, replayThreads }: { readonly load: ReplayLoad; readonly replayThreads: boolean },
  plain: (i: number) => Request,
  replay: (i: number) => Request,
): Promise<ReplayLoadVariant> {
  const label = `${load} replays ${replayThreads ? 'on threads' : 'in the event loop'}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: options.databaseUrl,
    DATABASE_SCHEMA: options.schema,
    REPLAY_CONCURRENCY: String(options.inFlight),
    REPLAY_THREADS: replayThreads ? 'on' : 'off',
    BENCH_ACCOUNTS: accountId,
  };
  for (const key of ['LEDGER_DATA_DIR', 'EVENTSTORE_URL']) delete env[key];
  const server = await startServer(env, undefined, options.timeoutMs);
  try {
    const client = new Client(server.url, server.tokens, options.timeoutMs);
    // Warm up: the report's plan and caches, and one replay (which starts a replay thread).
    for (let i = 0; i < 20; i++) await mustAnswer(client, plain(i));
    await mustAnswer(client, replay(0));
    // Quiet and loaded phases alternate, so that a change in the machine's other load meanwhile
    // weighs on both alike (the machine may be shared).
    const quietMs: number[] = [];
    const loadedMs: number[] = [];
    const replayMs: number[] = [];
    let refused = 0;
    for (let round = 1; round <= options.rounds; round++) {
      quietMs.push(...(await timePlain(client, plain, options)));
      let stopping = false;
      let sent = 0;
      const loops = Array.from({ length: options.inFlight }, async () => {
        while (!stopping) {
          const answer = await client.send(replay(sent++)).catch(() => null);
          if (answer?.status === 200) replayMs.push(answer.ms);
          else refused += 1;
        }
      });
      loadedMs.push(...(await timePlain(client, plain, options)));
      stopping = true;
      await Promise.all(loops);
      log(label, `round ${round}/${options.rounds}: ${quietMs.length} quiet and ${loadedMs.length} loaded reports timed`);
    }
    const quiet = summarizeLatencies(quietMs);
    const loaded = summarizeLatencies(loadedMs);
    const replays = summarizeLatencies(replayMs);
    const p95Ratio = round(loaded.p95Ms / quiet.p95Ms);
    log(
      label,
      `quiet: p50 ${quiet.p50Ms} ms, p95 ${quiet.p95Ms} ms; ${options.inFlight} replays in flight: p50 ${loaded.p50Ms} ms, ` +
        `p95 ${loaded.p95Ms} ms (${p95Ratio} × quiet); replays p50 ${replays.p50Ms} ms`,
    );
    const exit = await stopServer(server.run);
    return {
      load,
      replayThreads,
      quiet,
      loaded,
      p95Ratio,
      meetsTarget: p95Ratio <= REPLAY_LOAD_TARGET_RATIO,
      replays,
      replaysRefused: refused,
      peakRssMiB: exit.peakRssMiB,
    };
  } catch (error) {
    await stopServer(server.run);
    throw error;
  }
}

/** Latencies (ms) of plain reports sent one after another. */
async function timePlain(client: Client, plain: (i: number) => Request, options: ReplayLoadOptions): Promise<number[]> {
  const ms: number[] = [];
  const until = performance.now() + options.phaseSeconds * 1000;
  for (let i = 0; i < options.samples && performance.now() < until; i++) {
    const answer = await client.send(plain(i));
    if (answer.status !== 200) throw new Error(`${plain(i).path} answered ${answer.status} ${answer.code ?? ''}`);
    ms.push(answer.ms);
  }
  return ms;
}

async function mustAnswer(client: Client, request: Request): Promise<void> {
  const answer = await client.send(request);
  if (answer.status !== 200) throw new Error(`${request.path} answered ${answer.status} ${answer.code ?? ''}`);
}

/** The account with the most events in `schema`, and the business time of its last event. */
async function biggestAccount(databaseUrl: string, schema: string): Promise<{ accountId: string; events: number; lastAt: string }> {
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`--schema must be a plain lower-case identifier, got "${schema}"`);
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const { rows } = await db.query<{ stream_id: string; events: number; last_at: string }>(
      `SELECT s.stream_id, s.events, (SELECT e.metadata->>'occurredAt' FROM ${schema}.events e
         WHERE e.stream_id = s.stream_id ORDER BY e.stream_revision DESC LIMIT 1) AS last_at
       FROM (SELECT stream_id, count(*)::int AS events FROM ${schema}.events WHERE stream_id LIKE 'account-%'
             GROUP BY stream_id ORDER BY 2 DESC LIMIT 1) s`,
    );
    const row = rows[0];
    if (!row) throw new Error(`schema ${schema} holds no account stream: import a history first`);
    return { accountId: row.stream_id.slice('account-'.length), events: row.events, lastAt: row.last_at };
  } finally {
    await db.end();
  }
}
