import type { AssignmentsTables } from '../../projections/assignments.projection.js';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DateTime } from 'luxon';
import { withLedger } from '../../apps/cli/src/ledger-context.js';
import { loadConfig } from '../../libs/platform/src/config.js';
import { LEDGER_DATABASE } from '../../libs/platform/src/tokens.js';
import type { LedgerDatabase } from '../../libs/database/src/database.js';
import { buildLicensesOverview } from '../../libs/reports/src/licenses/licenses-overview.js';
import type { ReportContext } from '../../libs/reports/src/report-definition.js';
import { findReport, runReport } from '../../libs/reports/src/reports.service.js';
import { ALL_PROJECTIONS } from '../../projections/catalog.js';
import { ProjectionEngine } from '../../projections/engine/projection-engine.js';
import { ReadModelCache } from '../../projections/engine/read-model-cache.js';
import {
  existingPostgresStore,
  freshStore,
  log,
  round,
  runNode,
  summarizeLatencies,
  type Backend,
  type BenchStore,
  type LatencySummary,
} from './bench-support.js';
import { formatProfileSummary, summarizeProfile, type ProfileSummary } from './profile-summary.js';
import { Random } from '../../libs/history-generator/src/random.js';
import { REPORT_CASES, type ReportAccount } from './report-cases.js';
import { readLogRaw, rebuildInOnePass, type OnePassRebuild, type RawLogRead } from './one-pass-rebuild.js';
import { query } from '../../libs/database/src/testing/query.js';

/**
 * Read-side benchmarks: a generated history is imported once with `ledger import --no-wait` (no
 * projection runs), then every projection is rebuilt from the whole log with
 * `ledger projections rebuild NAME` one at a time, then all of them in one pass (`ledger projections
 * rebuild`) beside a raw read of the log — and every report is timed
 * in-process against the rebuilt tables, on the account with the most events.
 */

export interface ReadSideOptions {
  readonly backend: Backend;
  readonly file: string;
  readonly databaseUrl: string;
  readonly timeoutMs: number;
  readonly rebuild: boolean;
  /** Also rebuild every projection in one pass (`ledger projections rebuild`) and read the log raw, after the one-at-a-time rebuilds. */
  readonly rebuildTogether: boolean;
  readonly reports: boolean;
  /** Timed runs per report case (after one untimed warm-up run). */
  readonly reportRuns: number;
  /** PostgreSQL: measure this schema, already imported, instead of importing `file` into a fresh one. */
  readonly existingSchema?: string;
  /** Directory for `--cpu-prof` output of each rebuild; unset → no profile. */
  readonly profileDir?: string;
}

export interface ProjectionRebuild {
  readonly projection: string;
  /** The engine's own time for the rebuild (as `ledger projections rebuild` prints it), start-up excluded. */
  readonly seconds: number;
  readonly eventsPerSecond: number;
  readonly wallSeconds: number;
  readonly peakRssMiB: number | null;
  readonly profile?: { readonly file: string; readonly summary: ProfileSummary };
}

export interface RebuildResult {
  readonly events: number;
  readonly targetEventsPerSecond: number;
  /** Each projection rebuilt alone, one after another. */
  readonly oneAtATime: readonly ProjectionRebuild[];
  /** Sum of the one-at-a-time rebuilds: the log events per second of rebuilding every projection in turn. */
  readonly sequentialSeconds: number;
  readonly sequentialEventsPerSecond: number;
  /** Every projection rebuilt in one pass over the log, against its peers of the same run; null when not measured. */
  readonly onePass: {
    readonly rebuild: OnePassRebuild;
    /** The log read raw by the same keyset reader: the ceiling of the pass. */
    readonly rawRead: RawLogRead;
    /** Sequential seconds ÷ one-pass seconds. */
    readonly speedupOverSequential: number;
    /** One-pass log events/s ÷ raw read events/s. */
    readonly shareOfRawRead: number;
  } | null;
}

export interface ReportTiming extends LatencySummary {
  readonly label: string;
  readonly report: string;
  /** The p95 this case must meet (the plain reports' target unless the case names its own). */
  readonly targetP95Ms: number;
  readonly meetsTarget: boolean;
  /** The parameters of the slowest run, to reproduce it. */
  readonly slowest: Record<string, string>;
}

export interface ReportsResult {
  readonly account: {
    readonly accountId: string;
    readonly events: number;
    readonly users: number;
    readonly orgs: number;
    readonly firstDate: string;
    readonly lastDate: string;
  };
  readonly targetP95Ms: number;
  readonly runsPerCase: number;
  readonly cases: readonly ReportTiming[];
  readonly allMeetTarget: boolean;
}

export interface ReadSideResult {
  readonly backend: Backend;
  readonly store: string;
  readonly importSeconds: number;
  readonly events: number;
  readonly rebuild: RebuildResult | null;
  readonly reports: ReportsResult | null;
}

export const REBUILD_TARGET_EVENTS_PER_SECOND = 20_000;
export const REPORT_TARGET_P95_MS = 100;
const PROJECTION_NAMES = ALL_PROJECTIONS.map((P) => new P().name);

export async function runReadSideScenario(options: ReadSideOptions): Promise<ReadSideResult> {
  const label = `read-${options.backend}`;
  const store =
    options.existingSchema !== undefined && options.backend === 'postgres'
      ? existingPostgresStore(options.databaseUrl, options.existingSchema)
      : await freshStore(options.backend, options.databaseUrl, `read_${options.backend}`);
  try {
    log(label, `store: ${store.description}`);
    const existing = store.description.startsWith('existing');
    const importSeconds = existing ? 0 : await importWithoutProjections(store, options, label);
    const { events } = await store.countEvents();
    log(label, `${events} events in the log (imported in ${importSeconds.toFixed(1)} s)`);
    // Reports are timed on freshly rebuilt projections; an existing schema is measured as it stands
    // unless its rebuild is asked for too (`ledger projections rebuild` brings it to the log's end).
    const rebuild = options.rebuild || (options.reports && !existing) ? await rebuildAll(store, options, events) : null;
    const reports = options.reports ? await timeReports(store, options) : null;
    return {
      backend: options.backend,
      store: options.backend === 'postgres' ? 'PostgreSQL (fresh schema)' : 'PGlite (fresh data dir)',
      importSeconds: round(importSeconds),
      events,
      rebuild: options.rebuild ? rebuild : null,
      reports,
    };
  } finally {
    await store.dispose();
  }
}

async function importWithoutProjections(store: BenchStore, options: ReadSideOptions, label: string): Promise<number> {
  const started = performance.now();
  const run = runNode(['bin/ledger.js', 'import', options.file, '--no-wait'], {
    env: store.env,
    timeoutMs: options.timeoutMs,
    onStderrLine: (line) => {
      if (line.startsWith('imported ')) log(`${label} import`, line);
    },
  });
  const exit = await run.exited;
  if (exit.code !== 0 && exit.code !== 3) throw new Error(`ledger import --no-wait exited with ${exit.code ?? exit.signal}`);
  return (performance.now() - started) / 1000;
}

async function rebuildAll(store: BenchStore, options: ReadSideOptions, events: number): Promise<RebuildResult> {
  const oneAtATime: ProjectionRebuild[] = [];
  for (const name of PROJECTION_NAMES) oneAtATime.push(await rebuildProjection(store, options, name, events, options.profileDir));
  const sequentialSeconds = oneAtATime.reduce((sum, r) => sum + r.seconds, 0);
  const summary = {
    events,
    targetEventsPerSecond: REBUILD_TARGET_EVENTS_PER_SECOND,
    oneAtATime,
    sequentialSeconds: round(sequentialSeconds),
    sequentialEventsPerSecond: Math.round(events / sequentialSeconds),
  };
  if (!options.rebuildTogether) return { ...summary, onePass: null };
  const rebuild = await rebuildInOnePass(store, options.backend, events, options.timeoutMs);
  const rawRead = await readLogRaw(store, options.backend);
  const onePass = {
    rebuild,
    rawRead,
    speedupOverSequential: round(sequentialSeconds / rebuild.seconds),
    shareOfRawRead: round(rebuild.eventsPerSecond / rawRead.eventsPerSecond, 3),
  };
  log(
    `rebuild-${options.backend} one pass`,
    `${onePass.speedupOverSequential}× the one-at-a-time total; ${Math.round(onePass.shareOfRawRead * 100)}% of the raw keyset read`,
  );
  return { ...summary, onePass };
}

const REBUILT = /: generation \d+ active.* \((\d+(?:\.\d+)?) s\)$/;

/** `ledger projections rebuild NAME` in a child process; its progress lines are passed on. */
async function rebuildProjection(
  store: BenchStore,
  options: ReadSideOptions,
  name: string,
  events: number,
  profileDir: string | undefined,
): Promise<ProjectionRebuild> {
  const label = `rebuild-${options.backend} ${name}`;
  const dir = profileDir ? resolve(profileDir, `rebuild-${options.backend}-${name}`) : undefined;
  if (dir) await mkdir(dir, { recursive: true });
  let seconds: number | null = null;
  const errors: string[] = [];
  const started = performance.now();
  const exit = await runNode([...(dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : []), 'bin/ledger.js', 'projections', 'rebuild', name], {
    env: store.env,
    timeoutMs: options.timeoutMs,
    onStdoutLine: (line) => {
      const match = REBUILT.exec(line);
      if (match) seconds = Number(match[1]);
    },
    onStderrLine: (line) => {
      if (line.startsWith('rebuilding ')) {
        log(label, line.slice('rebuilding '.length));
      } else if (line.trim() !== '') errors.push(line);
    },
  }).exited;
  const wallSeconds = (performance.now() - started) / 1000;
  if (exit.code !== 0 || seconds === null) throw new Error(`${label}: exited with ${exit.code ?? exit.signal}\n${errors.slice(-10).join('\n')}`);
  const result: ProjectionRebuild = {
    projection: name,
    seconds,
    eventsPerSecond: Math.round(events / seconds),
    wallSeconds: round(wallSeconds),
    peakRssMiB: exit.peakRssMiB,
    ...(dir ? { profile: await summarizeLatestProfile(dir, label) } : {}),
  };
  log(label, `${seconds} s: ${result.eventsPerSecond} events/s`);
  return result;
}

async function summarizeLatestProfile(dir: string, label: string): Promise<{ file: string; summary: ProfileSummary } | undefined> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.cpuprofile')).sort();
  if (files.length === 0) return undefined;
  const file = join(dir, files.at(-1)!);
  const summary = summarizeProfile(file, 30);
  await writeFile(`${file}.txt`, `${formatProfileSummary(summary)}\n`);
  log(label, `CPU profile: ${file} (summary in ${file}.txt)`);
  return { file, summary };
}

async function timeReports(store: BenchStore, options: ReadSideOptions): Promise<ReportsResult> {
  const label = `reports-${options.backend}`;
  return withLedger(loadConfig(store.env), async (_gateway, nest) => {
    const engine = nest.get(ProjectionEngine);
    const account = await biggestAccount(nest.get<LedgerDatabase>(LEDGER_DATABASE), engine);
    log(
      label,
      `account ${account.accountId}: ${account.events} events, ${account.users} users, ${account.orgIds.length} orgs, ` +
        `${account.firstDate} … ${account.lastDate}`,
    );
    const context: ReportContext = { now: Date.now(), leaseMs: loadConfig(store.env).sessionLeaseSeconds * 1000, projections: engine.reader };
    const random = new Random(7);
    const cases: ReportTiming[] = [];
    // Each read with a cache of its own: nothing is kept between runs.
    const uncached: ReportContext = {
      ...context,
      projections: { reader: async (name) => ({ ...(await engine.reader.reader(name)), cache: new ReadModelCache() }) },
    };
    for (const reportCase of REPORT_CASES) {
      const run = (parameters: Record<string, string>) => {
        const all = { accountId: account.accountId, ...parameters };
        const caseContext = reportCase.uncached ? uncached : context;
        return reportCase.report === 'licenses'
          ? buildLicensesOverview(all, caseContext)
          : runReport(findReport(reportCase.report), all, caseContext);
      };
      await run(reportCase.parameters(account, random));
      const samples: number[] = [];
      let slowest: { ms: number; parameters: Record<string, string> } = { ms: -1, parameters: {} };
      for (let i = 0; i < options.reportRuns; i++) {
        const parameters = reportCase.parameters(account, random);
        const t = performance.now();
        await run(parameters);
        const ms = performance.now() - t;
        samples.push(ms);
        if (ms > slowest.ms) slowest = { ms, parameters };
      }
      const summary = summarizeLatencies(samples);
      const targetP95Ms = reportCase.targetP95Ms ?? REPORT_TARGET_P95_MS;
      const timing: ReportTiming = {
        label: reportCase.label,
        report: reportCase.report,
        ...summary,
        targetP95Ms,
        meetsTarget: summary.p95Ms <= targetP95Ms,
        slowest: slowest.parameters,
      };
      log(label, `${reportCase.label}: p50 ${summary.p50Ms} ms, p95 ${summary.p95Ms} ms${timing.meetsTarget ? '' : `  (over ${targetP95Ms} ms)`}`);
      cases.push(timing);
    }
    return {
      account: {
        accountId: account.accountId,
        events: account.events,
        users: account.users,
        orgs: account.orgIds.length,
        firstDate: account.firstDate,
        lastDate: account.lastDate,
      },
      targetP95Ms: REPORT_TARGET_P95_MS,
      runsPerCase: options.reportRuns,
      cases,
      allMeetTarget: cases.every((c) => c.meetsTarget),
    };
  });
}

async function biggestAccount(database: LedgerDatabase, engine: ProjectionEngine): Promise<ReportAccount & { events: number; users: number }> {
  const [top] = await query<{ stream_id: string; events: number; first_at: Date; last_at: Date }>(
    database,
    `SELECT stream_id, count(*)::int AS events, min((metadata->>'occurredAt')::timestamptz) AS first_at,
       max((metadata->>'occurredAt')::timestamptz) AS last_at
     FROM events WHERE stream_id LIKE 'account-%' GROUP BY stream_id ORDER BY count(*) DESC LIMIT 1`,
  );
  if (!top) throw new Error('the log has no account');
  const accountId = top.stream_id.slice('account-'.length);
  const {
    db: { kysely: db },
  } = await engine.reader.reader<AssignmentsTables>('assignments');
  const [{ timezone }] = await db.selectFrom('accounts').select('timezone').where('account_id', '=', accountId).execute();
  const orgs = await db.selectFrom('orgs').select(['org_id', 'parent_org_id']).where('account_id', '=', accountId).orderBy('org_id').execute();
  const users = await db.selectFrom('users').select('full_name').where('account_id', '=', accountId).orderBy('user_id').execute();
  const localDate = (at: Date) =>
    DateTime.fromJSDate(new Date(at))
      .setZone(timezone as string)
      .toISODate()!;
  const topOrgIds = orgs.filter((o) => o.parent_org_id === null).map((o) => o.org_id as string);
  return {
    accountId,
    events: top.events,
    users: users.length,
    orgIds: [...topOrgIds, ...orgs.filter((o) => o.parent_org_id !== null).map((o) => o.org_id as string)],
    topOrgIds,
    userNames: users.filter((_, i) => i % 7 === 0).map((u) => u.full_name as string),
    firstDate: localDate(top.first_at),
    lastDate: localDate(top.last_at),
  };
}
