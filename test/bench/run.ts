import 'reflect-metadata';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  DEFAULT_DATABASE_URL,
  loadAverage,
  log,
  machineInfo,
  postgresVersion,
  round,
  runAllCleanups,
  sourceTree,
  withoutPassword,
  type Backend,
} from './bench-support.js';
import { writeHistoryNdjson, type WrittenHistory } from '../../libs/history-generator/src/generate-history.js';
import { runAlertsScenario, type AlertsResult } from './alerts-scenario.js';
import { runAppendsScenario, type AppendsResult } from './appends-scenario.js';
import { runHttpScenario, type HttpResult, type ServerRun } from './http-scenario.js';
import { runImportScenario, type ImportResult, type ImportRun } from './import-scenario.js';
import { runReadSideScenario, type RebuildResult, type ReportsResult } from './read-side-scenario.js';
import { runConsoleScenario, type ConsoleBenchResult } from './console-scenario.js';

/**
 * `npm run bench [-- options]`: benchmarks of the ledger.
 *
 * Write side (issue "ledger core"), merged into bench-results/write-side.json:
 *   import-postgres / import-pglite    `ledger import` of a generated history (default 100,000 commands)
 *   http-postgres / http-pglite        single-command latency over HTTP, sequential and concurrent
 *   appends-postgres                   the store's appends by 1 and 8 writers vs a one-row INSERT and vs the store
 *                                      with the NOTIFY trigger it had before migration 0008, interleaved in one run
 * Read side (issue "Projections and reports"), merged into bench-results/read-side.json:
 *   rebuild-postgres / rebuild-pglite  every projection rebuilt from a log of ~1M events
 *   reports-postgres / reports-pglite  p50/p95 of every report on the biggest account of that log
 * Web console (issue "web console"), merged into bench-results/console.json:
 *   console-postgres                   JavaScript of the first view, navigation → rendered chart on that log
 * Alerts (SPEC §9), merged into bench-results/alerts.json:
 *   alerts-postgres / alerts-pglite    alert latency, event append → webhook arrival; a receiver failing half the time
 *
 * One entry per scenario; progress goes to stderr; a Markdown table of this run goes to stdout.
 */

const USAGE = `Usage: npm run bench -- [options]
  --only LIST             scenarios, comma-separated: import-postgres, import-pglite, http-postgres, http-pglite, appends-postgres,
                          rebuild-postgres, rebuild-pglite, reports-postgres, reports-pglite, console-postgres,
                          alerts-postgres, alerts-pglite,
                          or groups: import, http, appends, rebuild, reports, console, alerts, postgres, pglite, write, read, all
                          (default write: the write-side scenarios)
  --commands N            commands to import (default 100000)
  --read-commands N       commands of the read-side history (default 950000, about 1M events; with
                          --users 100000 and --days 365 unless given)
  --report-runs N         timed runs per report case (default 30)
  --console-runs N        console: page loads per chart, each from an empty cache and then reloaded (default 5)
  --one-at-a-time         rebuild: only each projection alone, not also all of them in one pass and the raw log read
  --schema SCHEMA         read side on PostgreSQL: measure this schema, already imported (and kept), instead of
                          importing the history into a fresh one; its reports are timed on its projections
                          as they stand (rebuilt only with rebuild-postgres)
  --file FILE             import this NDJSON file instead of generating one
  --skip-projections      import: measure only \`ledger import --no-wait\` (the write side), not also the
                          default \`ledger import\` that waits for the projections to catch up; HTTP: only
                          the API as \`ledger serve\` runs it, not also an API without projections
  --http-commands N       sequential HTTP commands measured (default 2000)
  --append-rounds N       appends: interleaved rounds of every variant (default 5)
  --append-seconds S      appends: seconds each variant appends per round (default 3)
  --concurrent-commands N HTTP commands measured per concurrent variant (default 4000)
  --concurrency C         requests in flight in the concurrent variants (default 8)
  --http-users N          users per HTTP benchmark account (default 200)
  --warmup N              HTTP commands sent before measuring each variant (default 200)
  --database-url URL      PostgreSQL server (default BENCH_DATABASE_URL, TEST_DATABASE_URL or ${DEFAULT_DATABASE_URL})
  --timeout S             time limit of each scenario run in seconds (default 900)
  --repeat N              run each scenario N times and report the median run (default 1)
  --quiet-load L          before each run, wait (at most 10 min) until the 1-minute load average is below L
                          (the machine may be shared; every result records the load average anyway)
  --cpu-prof              profile the ledger processes (node --cpu-prof); summaries go into the results
  --alerts N              alerts raised and cleared one at a time for the latency figures (default 1000)
  --flaky-alerts N        alerts raised and cleared against a receiver that fails every other request (default 200)
  --out FILE              write-side results file (default bench-results/write-side.json)
  --alerts-out FILE       alerts results file (default bench-results/alerts.json)
  --read-out FILE         read-side results file (default bench-results/read-side.json)
  --console-out FILE      console results file (default bench-results/console.json)`;

const WRITE_SCENARIOS = ['import-postgres', 'import-pglite', 'http-postgres', 'http-pglite'] as const;
const READ_SCENARIOS = ['rebuild-postgres', 'rebuild-pglite', 'reports-postgres', 'reports-pglite'] as const;
const CONSOLE_SCENARIOS = ['console-postgres'] as const;
const ALERT_SCENARIOS = ['alerts-postgres', 'alerts-pglite'] as const;
const APPEND_SCENARIOS = ['appends-postgres'] as const;
const SCENARIOS = [...WRITE_SCENARIOS, ...APPEND_SCENARIOS, ...READ_SCENARIOS, ...CONSOLE_SCENARIOS, ...ALERT_SCENARIOS] as const;
type Scenario = (typeof SCENARIOS)[number];
type WriteScenario = (typeof WRITE_SCENARIOS)[number];
const IMPORT_TARGET_COMMANDS_PER_SECOND = 5_000;

function selectScenarios(only: string): Scenario[] {
  const selected = new Set<Scenario>();
  for (const word of only
    .split(',')
    .map((w) => w.trim())
    .filter(Boolean)) {
    const matches =
      word === 'all'
        ? [...SCENARIOS]
        : word === 'write'
          ? [...WRITE_SCENARIOS]
          : word === 'read'
            ? [...READ_SCENARIOS]
            : SCENARIOS.filter((s) => s === word || s.split('-').includes(word));
    if (matches.length === 0) {
      throw new Error(
        `unknown scenario "${word}"; expected ${SCENARIOS.join(', ')}, import, http, appends, rebuild, reports, console, alerts, postgres, pglite, write, read or all`,
      );
    }
    for (const m of matches) selected.add(m);
  }
  return SCENARIOS.filter((s) => selected.has(s));
}

function count(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  const n = Number(value.replace(/_/g, ''));
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`--${name} must be a whole number, got "${value}"`);
  return n;
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      only: { type: 'string', default: 'write' },
      commands: { type: 'string' },
      file: { type: 'string' },
      'read-commands': { type: 'string' },
      schema: { type: 'string' },
      'console-runs': { type: 'string' },
      'console-out': { type: 'string' },
      'one-at-a-time': { type: 'boolean' },
      'report-runs': { type: 'string' },
      'read-out': { type: 'string' },
      seed: { type: 'string' },
      accounts: { type: 'string' },
      users: { type: 'string' },
      days: { type: 'string' },
      'skip-projections': { type: 'boolean' },
      'http-commands': { type: 'string' },
      'concurrent-commands': { type: 'string' },
      concurrency: { type: 'string' },
      'append-rounds': { type: 'string' },
      'append-seconds': { type: 'string' },
      'http-users': { type: 'string' },
      warmup: { type: 'string' },
      'database-url': { type: 'string' },
      alerts: { type: 'string' },
      'flaky-alerts': { type: 'string' },
      'alerts-out': { type: 'string' },
      timeout: { type: 'string' },
      repeat: { type: 'string' },
      'quiet-load': { type: 'string' },
      'cpu-prof': { type: 'boolean' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const scenarios = selectScenarios(values.only!);
  const databaseUrl = values['database-url'] ?? process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? DEFAULT_DATABASE_URL;
  const timeoutMs = count(values.timeout, 900, 'timeout') * 1000;
  const commands = count(values.commands, 100_000, 'commands');
  const outFile = resolve(values.out ?? 'bench-results/write-side.json');
  const profileDir = values['cpu-prof'] ? resolve('bench-results/tmp/profiles') : undefined;
  const command = `npm run bench -- ${argv.join(' ')}`.trim();
  const repeat = Math.max(1, count(values.repeat, 1, 'repeat'));

  const postgres = scenarios.some((s) => s.endsWith('postgres')) ? await postgresVersion(databaseUrl) : null;
  if (scenarios.some((s) => s.endsWith('postgres')) && postgres === null) {
    throw new Error(`PostgreSQL is not reachable at ${withoutPassword(databaseUrl)} (--database-url, BENCH_DATABASE_URL)`);
  }
  const machine = machineInfo(postgres === null ? null : `PostgreSQL ${postgres}`);
  log('bench', `${scenarios.join(', ')} on ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, Node ${machine.node}`);

  const history = scenarios.some((s) => s.startsWith('import'))
    ? await prepareHistory(values, { commands, users: optional(values.users, 'users'), days: optional(values.days, 'days') })
    : undefined;

  const tree = sourceTree();
  const results: Partial<Record<Scenario, Record<string, unknown>>> = {};
  const failures: string[] = [];
  for (const scenario of scenarios.filter(isWriteScenario)) {
    const [kind, backend] = scenario.split('-') as ['import' | 'http', Backend];
    const started = new Date().toISOString();
    const runs: { result: Record<string, unknown>; headline: number; loadBefore: number; loadAfter: number }[] = [];
    try {
      for (let i = 0; i < repeat; i++) {
        if (repeat > 1) log(scenario, `run ${i + 1}/${repeat}`);
        if (values['quiet-load'] !== undefined) await waitForQuiet(scenario, Number(values['quiet-load']));
        const loadBefore = loadAverage();
        if (kind === 'import') {
          const result = await runImportScenario({
            backend,
            file: history!.file,
            databaseUrl,
            timeoutMs,
            profileDir,
            withProjections: !values['skip-projections'],
          });
          runs.push({
            result: {
              dataset: datasetOf(history!),
              ...withoutProfileDetail(result),
              ...(backend === 'postgres'
                ? {
                    targetCommandsPerSecond: IMPORT_TARGET_COMMANDS_PER_SECOND,
                    meetsTarget: result.commandsPerSecond >= IMPORT_TARGET_COMMANDS_PER_SECOND,
                  }
                : {}),
            },
            headline: result.commandsPerSecond,
            loadBefore,
            loadAfter: loadAverage(),
          });
        } else {
          const result = await runHttpScenario({
            backend,
            databaseUrl,
            timeoutMs,
            profileDir,
            sequential: count(values['http-commands'], 2_000, 'http-commands'),
            concurrent: count(values['concurrent-commands'], 4_000, 'concurrent-commands'),
            concurrency: Math.max(1, count(values.concurrency, 8, 'concurrency')),
            users: Math.max(8, count(values['http-users'], 200, 'http-users')),
            warmup: count(values.warmup, 200, 'warmup'),
            writeSideOnly: !values['skip-projections'],
          });
          runs.push({ result: withoutProfileDetail(result), headline: -result.sequential.p50Ms, loadBefore, loadAfter: loadAverage() });
        }
      }
      // The median run by throughput (import) or by sequential p50 (HTTP).
      const median = [...runs].sort((a, b) => a.headline - b.headline)[Math.floor((runs.length - 1) / 2)];
      results[scenario] = {
        date: started,
        command,
        machine: shortMachine(machine),
        sourceTree: tree,
        loadAverage: { before: median.loadBefore, after: median.loadAfter },
        ...median.result,
        ...(runs.length > 1
          ? {
              runs: runs.map((r) => ({
                ...(kind === 'import' ? { commandsPerSecond: r.headline } : { sequentialP50Ms: -r.headline }),
                loadBefore: r.loadBefore,
                loadAfter: r.loadAfter,
              })),
            }
          : {}),
      };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      log(scenario, `FAILED: ${message}`);
      failures.push(`${scenario}: ${message}`);
    }
  }

  if (scenarios.includes('appends-postgres')) {
    const started = new Date().toISOString();
    try {
      if (values['quiet-load'] !== undefined) await waitForQuiet('appends-postgres', Number(values['quiet-load']));
      const loadBefore = loadAverage();
      const result = await runAppendsScenario({
        databaseUrl,
        writers: [1, 8],
        rounds: Math.max(1, count(values['append-rounds'], 5, 'append-rounds')),
        seconds: Math.max(1, count(values['append-seconds'], 3, 'append-seconds')),
      });
      results['appends-postgres'] = {
        date: started,
        command,
        machine: shortMachine(machine),
        sourceTree: tree,
        loadAverage: { before: loadBefore, after: loadAverage() },
        ...result,
      };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      log('appends-postgres', `FAILED: ${message}`);
      failures.push(`appends-postgres: ${message}`);
    }
  }

  const alertResults: Partial<Record<Scenario, Record<string, unknown>>> = {};
  for (const scenario of scenarios.filter((s) => (ALERT_SCENARIOS as readonly string[]).includes(s))) {
    const backend: Backend = scenario.endsWith('postgres') ? 'postgres' : 'pglite';
    const started = new Date().toISOString();
    try {
      if (values['quiet-load'] !== undefined) await waitForQuiet(scenario, Number(values['quiet-load']));
      const loadBefore = loadAverage();
      const result = await runAlertsScenario({
        backend,
        databaseUrl,
        timeoutMs,
        alerts: count(values.alerts, 1_000, 'alerts'),
        flakyAlerts: count(values['flaky-alerts'], 200, 'flaky-alerts'),
      });
      alertResults[scenario] = {
        date: started,
        command,
        machine: shortMachine(machine),
        sourceTree: tree,
        loadAverage: { before: loadBefore, after: loadAverage() },
        ...result,
      };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      log(scenario, `FAILED: ${message}`);
      failures.push(`${scenario}: ${message}`);
    }
  }

  const readResults: Partial<Record<Scenario, Record<string, unknown>>> = {};
  const readScenarios = scenarios.filter((s) => (READ_SCENARIOS as readonly string[]).includes(s));
  if (readScenarios.length > 0) {
    const readHistory =
      values.schema !== undefined
        ? { file: '' }
        : await prepareHistory(values, {
            commands: count(values['read-commands'], 950_000, 'read-commands'),
            users: count(values.users, 100_000, 'users'),
            days: count(values.days, 365, 'days'),
          });
    for (const backend of ['postgres', 'pglite'] as const) {
      const rebuild = readScenarios.includes(`rebuild-${backend}`);
      const reports = readScenarios.includes(`reports-${backend}`);
      if (!rebuild && !reports) continue;
      const started = new Date().toISOString();
      const loadBefore = loadAverage();
      try {
        const result = await runReadSideScenario({
          backend,
          file: readHistory.file,
          databaseUrl,
          timeoutMs: count(values.timeout, 3600, 'timeout') * 1000,
          rebuild,
          reports,
          rebuildTogether: !values['one-at-a-time'],
          reportRuns: Math.max(1, count(values['report-runs'], 30, 'report-runs')),
          profileDir,
          existingSchema: values.schema,
        });
        const common = {
          date: started,
          command,
          machine: shortMachine(machine),
          sourceTree: tree,
          loadAverage: { before: loadBefore, after: loadAverage() },
          dataset: values.schema !== undefined ? { schema: values.schema } : datasetOf(readHistory),
          events: result.events,
          importSeconds: result.importSeconds,
        };
        if (result.rebuild) readResults[`rebuild-${backend}`] = { ...common, ...withoutRebuildProfileDetail(result.rebuild) };
        if (result.reports) readResults[`reports-${backend}`] = { ...common, ...result.reports };
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        log(`read-${backend}`, `FAILED: ${message}`);
        failures.push(`read-${backend}: ${message}`);
      }
    }
  }

  const consoleResults: Record<string, unknown> = {};
  if (scenarios.includes('console-postgres')) {
    const history =
      values.schema !== undefined
        ? { file: '' }
        : await prepareHistory(values, {
            commands: count(values['read-commands'], 950_000, 'read-commands'),
            users: count(values.users, 100_000, 'users'),
            days: count(values.days, 365, 'days'),
          });
    if (values['quiet-load'] !== undefined) await waitForQuiet('console-postgres', Number(values['quiet-load']));
    const started = new Date().toISOString();
    const loadBefore = loadAverage();
    try {
      const result = await runConsoleScenario({
        file: history.file,
        databaseUrl,
        timeoutMs: count(values.timeout, 3600, 'timeout') * 1000,
        runs: Math.max(1, count(values['console-runs'], 5, 'console-runs')),
        existingSchema: values.schema,
      });
      consoleResults['console-postgres'] = {
        date: started,
        command,
        machine: shortMachine(machine),
        sourceTree: tree,
        loadAverage: { before: loadBefore, after: loadAverage() },
        dataset: values.schema !== undefined ? { schema: values.schema } : datasetOf(history),
        browser: 'Debian chromium, headless, fresh profile',
        ...result,
      };
      const consoleOut = resolve(values['console-out'] ?? 'bench-results/console.json');
      await saveResults(consoleOut, machine, consoleResults, CONSOLE_DESCRIPTION);
      log('bench', `results merged into ${relative(process.cwd(), consoleOut)}`);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      log('console-postgres', `FAILED: ${message}`);
      failures.push(`console-postgres: ${message}`);
    }
  }

  if (Object.keys(results).length > 0) {
    await saveResults(outFile, machine, results, WRITE_DESCRIPTION);
    log('bench', `results merged into ${relative(process.cwd(), outFile)}`);
  }
  if (Object.keys(readResults).length > 0) {
    const readOut = resolve(values['read-out'] ?? 'bench-results/read-side.json');
    await saveResults(readOut, machine, readResults, READ_DESCRIPTION);
    log('bench', `results merged into ${relative(process.cwd(), readOut)}`);
  }
  if (Object.keys(alertResults).length > 0) {
    const alertsOut = resolve(values['alerts-out'] ?? 'bench-results/alerts.json');
    await saveResults(alertsOut, machine, alertResults, ALERTS_DESCRIPTION);
    log('bench', `results merged into ${relative(process.cwd(), alertsOut)}`);
  }
  process.stdout.write(markdownTable(results) + readSideTable(readResults) + consoleTable(consoleResults) + alertsTable(alertResults));
  if (failures.length > 0) {
    process.stderr.write(`\n${failures.length} scenario(s) failed:\n${failures.join('\n')}\n`);
    return 1;
  }
  return 0;
}

/** The `--file` given, or a generated history (kept in bench-results/tmp, named after its options). */
async function prepareHistory(
  values: { file?: string; seed?: string; accounts?: string },
  size: { commands: number; users?: number; days?: number },
): Promise<WrittenHistory | { file: string }> {
  if (values.file) return { file: resolve(values.file) };
  const options = { ...size, seed: optional(values.seed, 'seed'), accounts: optional(values.accounts, 'accounts') };
  const suffix = [size.users === undefined ? '' : `-u${size.users}`, size.days === undefined ? '' : `-d${size.days}`].join('');
  const file = resolve(`bench-results/tmp/history-${size.commands}${suffix}.ndjson`);
  log('generate', `writing ${size.commands} commands to ${relative(process.cwd(), file)}`);
  const written = await writeHistoryNdjson(options, file, (done, total, ms) =>
    log('generate', `${done}/${total} commands (${Math.round(done / (ms / 1000))} commands/s)`),
  );
  log(
    'generate',
    `${written.stats.commands} commands, ${written.options.accounts} accounts, ${written.options.users} users, ` +
      `${(written.bytes / 2 ** 20).toFixed(1)} MiB in ${written.seconds.toFixed(1)} s`,
  );
  return written;
}

/** Waits until the 1-minute load average drops below `limit`, for at most 10 minutes. */
async function waitForQuiet(label: string, limit: number): Promise<void> {
  const until = Date.now() + 600_000;
  while (loadAverage() >= limit && Date.now() < until) {
    log(label, `load average ${loadAverage()} ≥ ${limit}: waiting for a quieter machine…`);
    await new Promise((r) => setTimeout(r, 10_000));
  }
}

function optional(value: string | undefined, name: string): number | undefined {
  return value === undefined ? undefined : count(value, 0, name);
}

function shortMachine(machine: ReturnType<typeof machineInfo>) {
  return { cpus: machine.cpus, memoryGiB: machine.memoryGiB, node: machine.node, postgres: machine.postgres, pglite: machine.pglite };
}

function datasetOf(history: WrittenHistory | { file: string }) {
  if (!('stats' in history)) return { file: relative(process.cwd(), history.file) };
  return {
    generator:
      `node dist/test/bench/generate-history.js --commands ${history.options.commands} --seed ${history.options.seed} ` +
      `--accounts ${history.options.accounts} --users ${history.options.users} --days ${history.options.days} --out FILE`,
    ...history.options,
    megabytes: round(history.bytes / 2 ** 20, 1),
    firstAt: history.stats.firstAt,
    lastAt: history.stats.lastAt,
    byType: history.stats.byType,
    expectedRejections: history.stats.expectedRejections,
  };
}

/** Keeps the profile's headline figures in the results; the full summary is in the .txt beside the profile. */
function withoutProfileDetail<T extends ImportResult | HttpResult>(result: T): Record<string, unknown> {
  if (!result.profile) return { ...result };
  const { summary, file } = result.profile;
  return {
    ...result,
    profile: {
      summaryFile: `${relative(process.cwd(), file)}.txt`,
      file: relative(process.cwd(), file),
      sampledMs: summary.durationMs,
      byArea: summary.byArea.slice(0, 12),
      topSelf: summary.topSelf.slice(0, 15),
      topProjectInclusive: summary.topProjectInclusive.slice(0, 15),
    },
  };
}

const WRITE_DESCRIPTION = 'Write-side benchmarks of License Ledger (npm run bench); see docs/benchmarks.md. Each scenario keeps its latest run.';
const CONSOLE_DESCRIPTION =
  'Web console benchmarks of License Ledger (npm run bench -- --only console); see docs/benchmarks.md. Each scenario keeps its latest run.';
const READ_DESCRIPTION =
  'Read-side benchmarks of License Ledger (npm run bench -- --only read); see docs/benchmarks.md. Each scenario keeps its latest run.';

async function saveResults(
  file: string,
  machine: ReturnType<typeof machineInfo>,
  results: Record<string, unknown>,
  description: string,
): Promise<void> {
  let previous: { scenarios?: Record<string, unknown> } = {};
  if (existsSync(file)) {
    try {
      previous = JSON.parse(readFileSync(file, 'utf8')) as typeof previous;
    } catch {
      previous = {};
    }
  }
  const merged = {
    description,
    updatedAt: new Date().toISOString(),
    machine,
    scenarios: { ...(previous.scenarios ?? {}), ...results },
  };
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(merged, null, 2)}\n`);
}

function consoleTable(results: Record<string, unknown>): string {
  const lines: string[] = [];
  for (const [scenario, r] of Object.entries(results)) {
    const x = r as ConsoleBenchResult;
    lines.push(
      `| ${scenario} first view | ${x.firstView.scripts.length} scripts | **${x.firstView.javascriptKB} KB JS (gzip)** | target ≤ ${x.firstView.targetKB} KB |`,
    );
    for (const c of x.charts) {
      lines.push(
        `| ${scenario} ${c.label} | ${c.buckets} buckets | **cold ${c.coldMedianMs} ms**, warm ${c.warmMedianMs} ms | report alone ${c.apiMedianMs} ms; target ≤ ${x.targetMs} ms |`,
      );
    }
  }
  if (lines.length === 0) return '';
  return ['', '| console | work | figure | notes |', '|---|---|---|---|', ...lines, ''].join('\n');
}

function isWriteScenario(scenario: Scenario): scenario is WriteScenario {
  return (WRITE_SCENARIOS as readonly string[]).includes(scenario);
}

/** Keeps each profile's headline figures; the full summary is in the .txt beside the profile. */
function withoutRebuildProfileDetail(result: RebuildResult): Record<string, unknown> {
  return {
    ...result,
    oneAtATime: result.oneAtATime.map((r) =>
      r.profile
        ? {
            ...r,
            profile: {
              summaryFile: `${relative(process.cwd(), r.profile.file)}.txt`,
              sampledMs: r.profile.summary.durationMs,
              byArea: r.profile.summary.byArea.slice(0, 8),
              topSelf: r.profile.summary.topSelf.slice(0, 10),
              topProjectInclusive: r.profile.summary.topProjectInclusive.slice(0, 10),
            },
          }
        : r,
    ),
  };
}

const ALERTS_DESCRIPTION =
  'Alerts and webhooks benchmarks of License Ledger (npm run bench -- --only alerts); see docs/benchmarks.md. Each scenario keeps its latest run.';

function alertsTable(results: Partial<Record<Scenario, Record<string, unknown>>>): string {
  const lines: string[] = [];
  for (const [scenario, r] of Object.entries(results)) {
    const x = r as unknown as AlertsResult;
    const l = x.latency;
    lines.push(
      `| ${scenario} latency | ${l.alerts} alerts raised and cleared | command sent → AlertRaised arrived: **p50 ${l.raisedFromSubmit.p50Ms} ms, p99 ${l.raisedFromSubmit.p99Ms} ms** ` +
        `(from the command's answer: p50 ${l.raisedFromAppendAcknowledged.p50Ms} ms, p99 ${l.raisedFromAppendAcknowledged.p99Ms} ms; cleared: p50 ${l.clearedFromSubmit.p50Ms} ms) |`,
    );
    const f = x.flakyReceiver;
    lines.push(
      `| ${scenario} flaky receiver | ${f.alerts} alerts, ${f.deliveries} deliveries | **${f.delivered}/${f.deliveries} delivered** in ${f.secondsUntilAllDelivered} s, ` +
        `${f.attempts} attempts (${f.retries} retries, at most ${f.maxAttemptsOfOneDelivery} for one), receiver ${f.receiverAnswers.ok} ok / ${f.receiverAnswers.failed} failed, ${f.duplicates} duplicates |`,
    );
  }
  if (lines.length === 0) return '';
  return ['', '| alerts | work | figures |', '|---|---|---|', ...lines, ''].join('\n');
}

function readSideTable(results: Partial<Record<Scenario, Record<string, unknown>>>): string {
  const lines: string[] = [];
  for (const [scenario, r] of Object.entries(results)) {
    if (scenario.startsWith('rebuild')) {
      const x = r as unknown as RebuildResult;
      for (const p of x.oneAtATime)
        lines.push(`| ${scenario} ${p.projection} | ${x.events} events | ${p.seconds} s | **${p.eventsPerSecond} events/s** |`);
      lines.push(
        `| ${scenario} one at a time | ${x.events} events × ${x.oneAtATime.length} | ${x.sequentialSeconds} s | **${x.sequentialEventsPerSecond} events/s** |`,
      );
      if (x.onePass) {
        const { rebuild, rawRead } = x.onePass;
        lines.push(
          `| ${scenario} one pass | ${x.events} events × ${x.oneAtATime.length} | ${rebuild.seconds} s, peak RSS ${rebuild.peakRssMiB ?? '?'} MiB | ` +
            `**${rebuild.eventsPerSecond} events/s** (${x.onePass.speedupOverSequential}× one at a time, ${Math.round(x.onePass.shareOfRawRead * 100)}% of the raw read) |`,
          `| ${scenario} raw keyset read | ${x.events} events, pages of ${rawRead.pageSize} | ${rawRead.readSeconds} s (+${rawRead.decodeSeconds} s decoding) | ` +
            `**${rawRead.eventsPerSecond} events/s** (${rawRead.readAndDecodeEventsPerSecond} decoded) |`,
        );
      }
    } else {
      const x = r as unknown as ReportsResult;
      for (const c of x.cases)
        lines.push(
          `| ${scenario} ${c.label} | ${c.count} runs | p50 ${c.p50Ms} ms | **p95 ${c.p95Ms} ms**${c.meetsTarget ? '' : ' (over target)'} |`,
        );
    }
  }
  if (lines.length === 0) return '';
  return ['', '| read side | work | time | figure |', '|---|---|---|---|', ...lines, ''].join('\n');
}

function markdownTable(results: Partial<Record<Scenario, Record<string, unknown>>>): string {
  const lines: string[] = [];
  for (const [scenario, r] of Object.entries(results)) {
    if (scenario === 'appends-postgres') {
      for (const w of (r as unknown as AppendsResult).byWriters) {
        const a = w.appendsPerSecond;
        lines.push(
          `| ${scenario} ${w.writers} writer(s) | one event per append | ${(r as unknown as AppendsResult).secondsPerVariant} s × ${(r as unknown as AppendsResult).rounds} rounds | ` +
            `**store ${a.store}/s** (before 0008: ${a.trigger}/s; one-row INSERT ${a.insert}/s) | store/before ${w.storeVsTrigger}×, store/INSERT ${w.storeVsInsert}×, before/INSERT ${w.triggerVsInsert}× |`,
        );
      }
    } else if (scenario.startsWith('import')) {
      const x = r as unknown as ImportResult;
      const row = (name: string, y: ImportRun) =>
        `| ${name} | ${y.commands} commands (${y.rejected} rejected) → ${y.events} events in ${y.appends} appends | ${y.wallSeconds} s | ` +
        `**${y.commandsPerSecond} commands/s**, ${y.eventsPerSecond} events/s | apply phase ${y.applyCommandsPerSecond ?? '–'} commands/s; ` +
        `${y.secondsToFirstChunk ?? '–'} s to the first chunk; ${y.secondsAfterApply ?? '–'} s after the last; peak RSS ${y.peakRssMiB ?? '–'} MiB |`;
      lines.push(row(`${scenario} (${x.mode})`, x));
      if (x.withProjections) lines.push(row(`${scenario} (import, waits for projections)`, x.withProjections));
    } else {
      const x = r as unknown as HttpResult;
      const rows = (suffix: string, run: ServerRun) => {
        const variants = [
          ['GET /health', run.baseline],
          ['sequential', run.sequential],
          ['1 account', run.concurrentOneAccount],
          ['many accounts', run.concurrentManyAccounts],
        ] as const;
        for (const [name, v] of variants) {
          lines.push(
            `| ${scenario}${suffix} ${name} | ${v.count} requests, ${v.inFlight} in flight, ${v.accounts} account(s) | ${v.seconds} s | ` +
              `**${v.commandsPerSecond}/s** | p50 ${v.p50Ms} ms, p95 ${v.p95Ms} ms, p99 ${v.p99Ms} ms, max ${v.maxMs} ms` +
              `${Object.keys(v.failures).length ? `; failures ${JSON.stringify(v.failures)}` : ''} |`,
          );
        }
      };
      rows('', x);
      if (x.writeSideOnly) rows(' (no projections)', x.writeSideOnly);
    }
  }
  if (lines.length === 0) return '';
  return ['', '| scenario | work | wall | throughput | details |', '|---|---|---|---|---|', ...lines, ''].join('\n');
}

// Relative paths (bin/ledger.js, bench-results/) are from the repository root, wherever we are started.
process.chdir(fileURLToPath(new URL('../../../', import.meta.url)));
const interrupted = async (signal: NodeJS.Signals) => {
  process.stderr.write(`\n${signal}: stopping child processes and removing benchmark stores…\n`);
  await runAllCleanups();
  process.exit(130);
};
process.once('SIGINT', (s) => void interrupted(s));
process.once('SIGTERM', (s) => void interrupted(s));

main(process.argv.slice(2)).then(
  async (code) => {
    await runAllCleanups();
    process.exitCode = code;
  },
  async (error: unknown) => {
    await runAllCleanups();
    process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
