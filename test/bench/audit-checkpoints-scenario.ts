import 'reflect-metadata';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { DomainError } from '../../libs/domain/src/errors.js';
import { accountStreamId } from '../../libs/domain/src/streams.js';
import { openDatabase } from '../../libs/database/src/database.js';
import { createEventStore } from '../../libs/event-store/src/create-event-store.js';
import { formatPosition, type EventStore } from '../../libs/event-store/src/event-store.js';
import { readAccountEvents } from '../../libs/event-store/src/account-events.js';
import { parseReportRequest } from '../../libs/report-contract/src/report-request.js';
import { findReport } from '../../libs/reports/src/reports.service.js';
import { checkpointedAnswers } from '../../libs/audit/src/checkpoints/checkpointed-answers.js';
import { CheckpointWriter, DEFAULT_CHECKPOINT_EVERY_EVENTS } from '../../libs/audit/src/checkpoints/checkpoint-writer.js';
import { createReplayCheckpoints, type ReplayCheckpoints } from '../../libs/audit/src/checkpoints/replay-checkpoints.js';
import { explainLicenses, type LicensesExplainRequest } from '../../libs/audit/src/explain/licenses-explain.js';
import { stateWithSources } from '../../libs/audit/src/explain/state-with-sources.js';
import { replayLicensesOverview } from '../../libs/audit/src/licenses.replay.js';
import { seatHistoryReplay } from '../../libs/audit/src/seat-history.replay.js';
import { DEFAULT_DATABASE_URL, loadAverage, log, machineInfo, postgresVersion, round, runAsScript, summarizeLatencies } from './bench-support.js';

/**
 * As-of answers from replay checkpoints (issue 15, item 4): on one account of an imported ledger,
 * copied into a schema of its own (the source is only read), the license overview, seat-history
 * (its last 30 days by day) and the explanation of the account's `used` figure as of instants spread
 * over the account's history — first replayed from the first event (as before checkpoints), then from
 * the checkpoints, in the same run. Every answer of the second pass is compared with the first, byte
 * for byte. Results are merged into bench-results/audit-checkpoints.json.
 *
 *   npm run build && node dist/test/bench/audit-checkpoints-scenario.js --source perf_1m --account acct-001
 */

const USAGE = `Usage: node dist/test/bench/audit-checkpoints-scenario.js [options]
  --source SCHEMA      imported ledger to read the account from (default perf_1m; only read)
  --account ID         the account (default acct-001)
  --schema SCHEMA      schema the account's events are copied to (default audit_ckpt_bench; dropped first)
  --instants N         as-of instants spread over the history (default 20)
  --every N            events between two checkpoints (default ${DEFAULT_CHECKPOINT_EVERY_EVENTS})
  --database-url URL   PostgreSQL (default ${DEFAULT_DATABASE_URL})
  --out FILE           results file (default bench-results/audit-checkpoints.json)`;

const LEASE_MS = 900_000;
const DAY = 86_400_000;
const LABEL = 'audit-checkpoints';

type Kind = 'licenses' | 'seat-history' | 'explain';
type Answer = (asOf: number) => Promise<unknown>;

async function main(argv: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      source: { type: 'string', default: 'perf_1m' },
      account: { type: 'string', default: 'acct-001' },
      schema: { type: 'string', default: 'audit_ckpt_bench' },
      instants: { type: 'string', default: '20' },
      every: { type: 'string', default: String(DEFAULT_CHECKPOINT_EVERY_EVENTS) },
      'database-url': { type: 'string', default: process.env.BENCH_DATABASE_URL ?? DEFAULT_DATABASE_URL },
      out: { type: 'string', default: 'bench-results/audit-checkpoints.json' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const databaseUrl = values['database-url'];
  const accountId = values.account;
  const every = Number(values.every);
  const count = Number(values.instants);

  const database = await openDatabase({ databaseUrl, schema: values.schema });
  try {
    const db = database.kysely();
    log(LABEL, `copying the events of ${accountId} from ${values.source} into ${values.schema}`);
    await sql`TRUNCATE events, ledger_replay_checkpoints`.execute(db);
    await sql`INSERT INTO events SELECT * FROM ${sql.table(`${values.source}.events`)} WHERE stream_id = ${accountStreamId(accountId)}`.execute(db);
    await sql`ANALYZE events`.execute(db);
    const store = await createEventStore({ database });
    const all = await readAccountEvents(store, accountId);
    if (all.length === 0) throw new Error(`${values.source} has no events of ${accountId}`);
    const first = Date.parse(all[0]!.metadata.occurredAt);
    const last = Date.parse(all.at(-1)!.metadata.occurredAt);
    // Instants spread evenly over the history (its first tenth left out: little to replay there), the last event's included.
    const instants = Array.from({ length: count }, (_, i) => Math.round(first + (last - first) * (0.1 + (0.9 * (i + 1)) / count)));
    log(LABEL, `${all.length} events, ${new Date(first).toISOString()} … ${new Date(last).toISOString()}; ${count} instants`);

    const before = fromTheStart(store, accountId);
    const checkpoints = createReplayCheckpoints(database, store.storeId);
    const withCheckpoints = checkpointed(store, checkpoints, accountId);

    const timedBefore = await timeAll('from the first event', before, instants);
    log(LABEL, `writing checkpoints every ${every} events`);
    const writing = performance.now();
    await new CheckpointWriter(store, checkpoints, every, (error) => {
      throw error;
    }).extend(accountId);
    const writeMs = performance.now() - writing;
    const sizes = await sql<{
      n: string;
      bytes: string;
    }>`SELECT count(*) AS n, coalesce(sum(length(body)), 0) AS bytes FROM ledger_replay_checkpoints`.execute(db);
    const timedAfter = await timeAll('from checkpoints', withCheckpoints, instants);

    let differences = 0;
    for (const kind of Object.keys(timedBefore.answers) as Kind[]) {
      timedBefore.answers[kind].forEach((body, i) => {
        if (body !== timedAfter.answers[kind][i]) differences += 1;
      });
    }
    const result = {
      scenario: LABEL,
      at: new Date().toISOString(),
      loadAverage: loadAverage(),
      machine: machineInfo(await postgresVersion(databaseUrl)),
      source: values.source,
      accountId,
      events: all.length,
      instants: count,
      checkpoints: {
        every,
        count: Number(sizes.rows[0]!.n),
        mib: round(Number(sizes.rows[0]!.bytes) / 2 ** 20),
        writeSeconds: round(writeMs / 1000),
      },
      before: timedBefore.summary,
      after: timedAfter.summary,
      differences,
    };
    await merge(values.out, result);
    process.stdout.write(`${table(result.before, result.after)}\n`);
    log(
      LABEL,
      `checkpoints: ${result.checkpoints.count} (${result.checkpoints.mib} MiB) written in ${result.checkpoints.writeSeconds} s; ${differences} answers differ`,
    );
    await store.close();
    return differences === 0 ? 0 : 1;
  } finally {
    await database.close();
  }
}

/** The answers as before checkpoints: the events with `at` ≤ asOf read and folded from the first. */
function fromTheStart(store: EventStore, accountId: string): Record<Kind, Answer> {
  const cut = (asOf: number) => readAccountEvents(store, accountId, { asOf });
  return {
    licenses: async (asOf) => replayLicensesOverview(await cut(asOf), { accountId }, { now: asOf, leaseMs: LEASE_MS }),
    'seat-history': async (asOf) => seatHistoryReplay.run(await cut(asOf), seatHistoryRequest(accountId, asOf), { now: asOf, leaseMs: LEASE_MS }),
    explain: async (asOf) => {
      const events = await cut(asOf);
      if (events.length === 0) throw new DomainError('NOT_FOUND', `no history at ${asOf}`);
      const replayed = stateWithSources(events, asOf);
      return explainLicenses({
        request: explainRequest(accountId, asOf),
        replayed,
        at: asOf,
        leaseMs: LEASE_MS,
        asOfPosition: formatPosition(events.at(-1)!.position),
      });
    },
  };
}

function checkpointed(store: EventStore, checkpoints: ReplayCheckpoints, accountId: string): Record<Kind, Answer> {
  const answers = checkpointedAnswers(store, checkpoints);
  return {
    licenses: (asOf) => answers.licenses({ accountId }, asOf, { now: asOf, leaseMs: LEASE_MS }),
    'seat-history': (asOf) => answers.seatHistory(seatHistoryRequest(accountId, asOf), asOf, { now: asOf, leaseMs: LEASE_MS }),
    explain: (asOf) => answers.explainLicenses(explainRequest(accountId, asOf), asOf, LEASE_MS),
  };
}

/** seat-history of KSE over the 30 days up to asOf, by day. */
function seatHistoryRequest(accountId: string, asOf: number) {
  const date = (t: number) => new Date(t).toISOString().slice(0, 10);
  return parseReportRequest({ accountId, product: 'KSE', from: date(asOf - 30 * DAY), to: date(asOf), interval: 'day' }, findReport('seat-history'));
}

/** How many KSE units the account's pool has in use, explained. */
const explainRequest = (accountId: string, asOf: number): LicensesExplainRequest => ({
  accountId,
  product: 'KSE',
  scope: 'account',
  metric: 'used',
  asOf,
});

interface Timed {
  readonly summary: Record<Kind, ReturnType<typeof summarizeLatencies> & { wallSeconds: number }>;
  /** Each answer as JSON text (or its error), per instant. */
  readonly answers: Record<Kind, string[]>;
}

/** Each answer at each instant, one after another; latency per answer, wall time per kind. */
async function timeAll(label: string, answers: Record<Kind, Answer>, instants: readonly number[]): Promise<Timed> {
  const summary = {} as Timed['summary'];
  const texts = {} as Timed['answers'];
  for (const kind of Object.keys(answers) as Kind[]) {
    const samples: number[] = [];
    texts[kind] = [];
    const started = performance.now();
    for (const [i, asOf] of instants.entries()) {
      const t = performance.now();
      texts[kind].push(await textOf(() => answers[kind](asOf)));
      samples.push(performance.now() - t);
      log(
        LABEL,
        `${label}: ${kind} ${i + 1}/${instants.length} (${Math.round(((i + 1) / instants.length) * 100)}%) ${samples.at(-1)!.toFixed(0)} ms`,
      );
    }
    summary[kind] = { ...summarizeLatencies(samples), wallSeconds: round((performance.now() - started) / 1000) };
  }
  return { summary, answers: texts };
}

async function textOf(answer: () => Promise<unknown>): Promise<string> {
  try {
    return JSON.stringify(await answer());
  } catch (error) {
    if (error instanceof DomainError) return `${error.code}: ${error.message}`;
    throw error;
  }
}

function table(before: Timed['summary'], after: Timed['summary']): string {
  const rows = (Object.keys(before) as Kind[]).map(
    (k) =>
      `| ${k} | ${before[k].p50Ms} | ${before[k].p95Ms} | ${before[k].wallSeconds} | ${after[k].p50Ms} | ${after[k].p95Ms} | ${after[k].wallSeconds} | ${round(before[k].p95Ms / after[k].p95Ms, 1)}× |`,
  );
  return [
    '| as-of answer | before p50 ms | before p95 ms | before wall s | after p50 ms | after p95 ms | after wall s | p95 speed-up |',
    '|---|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

/** Keeps the latest result per source and account. */
async function merge(file: string, result: { source: string; accountId: string }): Promise<void> {
  let results: { source: string; accountId: string }[] = [];
  try {
    results = JSON.parse(await readFile(file, 'utf8')) as typeof results;
  } catch {
    // No results yet.
  }
  results = [...results.filter((r) => r.source !== result.source || r.accountId !== result.accountId), result];
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(results, null, 2)}\n`);
}

runAsScript(import.meta.url, LABEL, main);
