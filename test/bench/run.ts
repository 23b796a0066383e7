import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  DEFAULT_DATABASE_URL, loadAverage, log, machineInfo, postgresVersion, round, runAllCleanups, withoutPassword, type Backend,
} from './bench-support.js';
import { writeHistoryNdjson, type WrittenHistory } from '../../libs/history-generator/src/generate-history.js';
import { runHttpScenario, type HttpResult, type ServerRun } from './http-scenario.js';
import { runImportScenario, type ImportResult, type ImportRun } from './import-scenario.js';

/**
 * `npm run bench [-- options]`: write-side benchmarks of the ledger (issue "ledger core").
 *
 *   import-postgres / import-pglite  `ledger import` of a generated history (default 100,000 commands)
 *   http-postgres / http-pglite      single-command latency over HTTP, sequential and concurrent
 *
 * Results are merged into bench-results/write-side.json (one entry per scenario); progress goes to
 * stderr; a Markdown table of this run goes to stdout.
 */

const USAGE = `Usage: npm run bench -- [options]
  --only LIST             scenarios, comma-separated: import-postgres, import-pglite, http-postgres, http-pglite,
                          or groups: import, http, postgres, pglite, all (default all)
  --commands N            commands to import (default 100000)
  --file FILE             import this NDJSON file instead of generating one
  --skip-projections      import: measure only \`ledger import --no-wait\` (the write side), not also the
                          default \`ledger import\` that waits for the projections to catch up; HTTP: only
                          the API as \`ledger serve\` runs it, not also an API without projections
  --http-commands N       sequential HTTP commands measured (default 2000)
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
  --out FILE              results file (default bench-results/write-side.json)`;

const SCENARIOS = ['import-postgres', 'import-pglite', 'http-postgres', 'http-pglite'] as const;
type Scenario = (typeof SCENARIOS)[number];
const IMPORT_TARGET_COMMANDS_PER_SECOND = 5_000;

function selectScenarios(only: string): Scenario[] {
  const selected = new Set<Scenario>();
  for (const word of only.split(',').map((w) => w.trim()).filter(Boolean)) {
    const matches = word === 'all' ? [...SCENARIOS] : SCENARIOS.filter((s) => s === word || s.split('-').includes(word));
    if (matches.length === 0) throw new Error(`unknown scenario "${word}"; expected ${SCENARIOS.join(', ')}, import, http, postgres, pglite or all`);
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
      only: { type: 'string', default: 'all' }, commands: { type: 'string' }, file: { type: 'string' },
      seed: { type: 'string' }, accounts: { type: 'string' }, users: { type: 'string' }, days: { type: 'string' },
      'skip-projections': { type: 'boolean' }, 'http-commands': { type: 'string' }, 'concurrent-commands': { type: 'string' }, concurrency: { type: 'string' },
      'http-users': { type: 'string' }, warmup: { type: 'string' }, 'database-url': { type: 'string' },
      timeout: { type: 'string' }, repeat: { type: 'string' }, 'quiet-load': { type: 'string' }, 'cpu-prof': { type: 'boolean' }, out: { type: 'string' }, help: { type: 'boolean', short: 'h' },
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

  let history: WrittenHistory | { file: string } | undefined;
  if (scenarios.some((s) => s.startsWith('import'))) {
    if (values.file) {
      history = { file: resolve(values.file) };
    } else {
      const file = resolve(`bench-results/tmp/history-${commands}.ndjson`);
      log('generate', `writing ${commands} commands to ${relative(process.cwd(), file)}`);
      const written = await writeHistoryNdjson({
        commands, seed: optional(values.seed, 'seed'), accounts: optional(values.accounts, 'accounts'),
        users: optional(values.users, 'users'), days: optional(values.days, 'days'),
      }, file, (done, total, ms) => log('generate', `${done}/${total} commands (${Math.round(done / (ms / 1000))} commands/s)`));
      log('generate', `${written.stats.commands} commands, ${written.options.accounts} accounts, ${written.options.users} users, `
        + `${(written.bytes / 2 ** 20).toFixed(1)} MiB in ${written.seconds.toFixed(1)} s`);
      history = written;
    }
  }

  const tree = sourceTree();
  const results: Partial<Record<Scenario, Record<string, unknown>>> = {};
  const failures: string[] = [];
  for (const scenario of scenarios) {
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
            backend, file: history!.file, databaseUrl, timeoutMs, profileDir, withProjections: !values['skip-projections'],
          });
          runs.push({
            result: {
              dataset: datasetOf(history!),
              ...withoutProfileDetail(result),
              ...(backend === 'postgres'
                ? { targetCommandsPerSecond: IMPORT_TARGET_COMMANDS_PER_SECOND, meetsTarget: result.commandsPerSecond >= IMPORT_TARGET_COMMANDS_PER_SECOND }
                : {}),
            },
            headline: result.commandsPerSecond, loadBefore, loadAfter: loadAverage(),
          });
        } else {
          const result = await runHttpScenario({
            backend, databaseUrl, timeoutMs, profileDir,
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
        date: started, command, machine: shortMachine(machine), sourceTree: tree,
        loadAverage: { before: median.loadBefore, after: median.loadAfter },
        ...median.result,
        ...(runs.length > 1
          ? {
            runs: runs.map((r) => ({
              ...(kind === 'import' ? { commandsPerSecond: r.headline } : { sequentialP50Ms: -r.headline }),
              loadBefore: r.loadBefore, loadAfter: r.loadAfter,
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

  await saveResults(outFile, machine, results);
  log('bench', `results merged into ${relative(process.cwd(), outFile)}`);
  process.stdout.write(markdownTable(results));
  if (failures.length > 0) {
    process.stderr.write(`\n${failures.length} scenario(s) failed:\n${failures.join('\n')}\n`);
    return 1;
  }
  return 0;
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

/** The commit the working tree is on, and how many files differ from it (other work in progress is measured too). */
function sourceTree(): { commit: string | null; changedFiles: number | null } {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const changed = execFileSync('git', ['status', '--porcelain'], { encoding: 'utf8' }).split('\n').filter(Boolean).length;
    return { commit, changedFiles: changed };
  } catch {
    return { commit: null, changedFiles: null };
  }
}

function shortMachine(machine: ReturnType<typeof machineInfo>) {
  return { cpus: machine.cpus, memoryGiB: machine.memoryGiB, node: machine.node, postgres: machine.postgres, pglite: machine.pglite };
}

function datasetOf(history: WrittenHistory | { file: string }) {
  if (!('stats' in history)) return { file: relative(process.cwd(), history.file) };
  return {
    generator: `node dist/test/bench/generate-history.js --commands ${history.options.commands} --seed ${history.options.seed} `
      + `--accounts ${history.options.accounts} --users ${history.options.users} --days ${history.options.days} --out FILE`,
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

async function saveResults(file: string, machine: ReturnType<typeof machineInfo>, results: Record<string, unknown>): Promise<void> {
  let previous: { scenarios?: Record<string, unknown> } = {};
  if (existsSync(file)) {
    try {
      previous = JSON.parse(readFileSync(file, 'utf8')) as typeof previous;
    } catch {
      previous = {};
    }
  }
  const merged = {
    description: 'Write-side benchmarks of License Ledger (npm run bench); see docs/benchmarks.md. Each scenario keeps its latest run.',
    updatedAt: new Date().toISOString(),
    machine,
    scenarios: { ...(previous.scenarios ?? {}), ...results },
  };
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(merged, null, 2)}\n`);
}

function markdownTable(results: Partial<Record<Scenario, Record<string, unknown>>>): string {
  const lines: string[] = [];
  for (const [scenario, r] of Object.entries(results)) {
    if (scenario.startsWith('import')) {
      const x = r as unknown as ImportResult;
      const row = (name: string, y: ImportRun) => `| ${name} | ${y.commands} commands (${y.rejected} rejected) → ${y.events} events in ${y.appends} appends | ${y.wallSeconds} s | `
        + `**${y.commandsPerSecond} commands/s**, ${y.eventsPerSecond} events/s | apply phase ${y.applyCommandsPerSecond ?? '–'} commands/s; `
        + `${y.secondsToFirstChunk ?? '–'} s to the first chunk; ${y.secondsAfterApply ?? '–'} s after the last; peak RSS ${y.peakRssMiB ?? '–'} MiB |`;
      lines.push(row(`${scenario} (${x.mode})`, x));
      if (x.withProjections) lines.push(row(`${scenario} (import, waits for projections)`, x.withProjections));
    } else {
      const x = r as unknown as HttpResult;
      const rows = (suffix: string, run: ServerRun) => {
        const variants = [['GET /health', run.baseline], ['sequential', run.sequential], ['1 account', run.concurrentOneAccount],
          ['many accounts', run.concurrentManyAccounts]] as const;
        for (const [name, v] of variants) {
          lines.push(`| ${scenario}${suffix} ${name} | ${v.count} requests, ${v.inFlight} in flight, ${v.accounts} account(s) | ${v.seconds} s | `
            + `**${v.commandsPerSecond}/s** | p50 ${v.p50Ms} ms, p95 ${v.p95Ms} ms, p99 ${v.p99Ms} ms, max ${v.maxMs} ms`
            + `${Object.keys(v.failures).length ? `; failures ${JSON.stringify(v.failures)}` : ''} |`);
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
