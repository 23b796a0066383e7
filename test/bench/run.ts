import 'reflect-metadata';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { count, text, type BenchFamily, type BenchOption, type BenchRun, type BenchValues } from './bench-family.js';
import {
  DEFAULT_DATABASE_URL,
  loadAverage,
  log,
  machineInfo,
  postgresVersion,
  runAllCleanups,
  sourceTree,
  withoutPassword,
} from './bench-support.js';
import { BENCH_FAMILIES } from './scenarios.js';

/**
 * `npm run bench [-- options]`: benchmarks of the ledger. The scenarios register from their own
 * modules (scenarios.ts); this is the command line: it parses the options, selects scenarios (`--only`)
 * and runs their families. Progress goes to stderr; a Markdown table of this run goes to stdout.
 */

/** Options every family reads. */
const COMMON_OPTIONS: Readonly<Record<string, BenchOption>> = {
  only: {
    type: 'string',
    value: 'LIST',
    description: 'scenarios, comma-separated, or groups (below); default write: the write-side scenarios',
  },
  file: { type: 'string', value: 'FILE', description: 'import this NDJSON file instead of generating one' },
  seed: { type: 'string', value: 'N', description: 'generated histories: the seed' },
  accounts: { type: 'string', value: 'N', description: 'generated histories: accounts' },
  users: { type: 'string', value: 'N', description: 'generated histories: users' },
  days: { type: 'string', value: 'N', description: 'generated histories: days' },
  'database-url': {
    type: 'string',
    value: 'URL',
    description: `PostgreSQL server (default BENCH_DATABASE_URL, TEST_DATABASE_URL or ${DEFAULT_DATABASE_URL})`,
  },
  timeout: { type: 'string', value: 'S', description: 'time limit of each scenario run in seconds (default 900; read side and console 3600)' },
  repeat: { type: 'string', value: 'N', description: 'run each write-side scenario N times and report the median run (default 1)' },
  'quiet-load': {
    type: 'string',
    value: 'L',
    description:
      'before each run, wait (at most 10 min) until the 1-minute load average is below L (the machine may be shared; every result records the load average anyway)',
  },
  'cpu-prof': { type: 'boolean', description: 'profile the ledger processes (node --cpu-prof); summaries go into the results' },
  help: { type: 'boolean', description: 'this text' },
};

const SCENARIOS = BENCH_FAMILIES.flatMap((family) => family.scenarios.map((s) => s.name));
const GROUPS: Readonly<Record<string, readonly string[]>> = Object.assign({ all: SCENARIOS }, ...BENCH_FAMILIES.map((f) => f.groups ?? {}));
/** Every option: the common ones, then each family's in order; a shared one keeps its first description. */
const OPTION_ENTRIES = [COMMON_OPTIONS, ...BENCH_FAMILIES.map((f) => f.options ?? {})].flatMap((options) => Object.entries(options));
const OPTIONS: Readonly<Record<string, BenchOption>> = Object.fromEntries(
  OPTION_ENTRIES.filter(([name], i) => OPTION_ENTRIES.findIndex(([first]) => first === name) === i),
);

/** `--only`: scenario names, groups, or a part of names (`import`, `postgres`), in the registry's order. */
function selectScenarios(only: string): string[] {
  const selected = new Set<string>();
  const words = only
    .split(',')
    .map((w) => w.trim())
    .filter(Boolean);
  for (const word of words) {
    const matches = GROUPS[word] ?? SCENARIOS.filter((s) => s === word || s.split('-').includes(word));
    if (matches.length === 0)
      throw new Error(`unknown scenario "${word}"; expected one of ${SCENARIOS.join(', ')}, or ${selectionWords().join(', ')}`);
    for (const m of matches) selected.add(m);
  }
  return SCENARIOS.filter((s) => selected.has(s));
}

/** The words of `--only` besides the scenario names: groups, and each part of a name. */
function selectionWords(): string[] {
  const parts = new Set(SCENARIOS.flatMap((s) => s.split('-')));
  return [...new Set([...parts, ...Object.keys(GROUPS)])];
}

function usage(): string {
  const scenarios = BENCH_FAMILIES.flatMap((f) => f.scenarios).map(({ name, summary }) => `  ${name.padEnd(22)} ${summary}`);
  const options = Object.entries(OPTIONS).map(([name, o]) => `  ${`--${name}${o.value ? ` ${o.value}` : ''}`.padEnd(28)} ${o.description}`);
  return [
    'Usage: npm run bench -- [options]',
    '',
    'Scenarios (--only NAME,…):',
    ...scenarios,
    `  groups: ${Object.entries(GROUPS)
      .map(([name, members]) => (name === 'all' ? 'all' : `${name} (${members.join(', ')})`))
      .join('; ')}; or a part of the names: ${[...new Set(SCENARIOS.flatMap((s) => s.split('-')))].join(', ')}`,
    '',
    'Options:',
    ...options,
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: Object.fromEntries(
      Object.entries(OPTIONS).map(([name, o]) => [name, name === 'help' ? { type: o.type, short: 'h' } : { type: o.type }]),
    ) as Record<string, { type: 'string' | 'boolean'; short?: string }>,
  });
  if (values.help) {
    process.stdout.write(`${usage()}\n`);
    return 0;
  }
  const parsed = values as BenchValues;
  const scenarios = selectScenarios(text(parsed.only) ?? 'write');
  const databaseUrl = text(parsed['database-url']) ?? process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? DEFAULT_DATABASE_URL;
  const needsPostgres = scenarios.some((s) => s.endsWith('postgres'));
  const postgres = needsPostgres ? await postgresVersion(databaseUrl) : null;
  if (needsPostgres && postgres === null) {
    throw new Error(`PostgreSQL is not reachable at ${withoutPassword(databaseUrl)} (--database-url, BENCH_DATABASE_URL)`);
  }
  const machine = machineInfo(postgres === null ? null : `PostgreSQL ${postgres}`);
  log('bench', `${scenarios.join(', ')} on ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, Node ${machine.node}`);

  const quietLoad = text(parsed['quiet-load']);
  const bench: BenchRun = {
    values: parsed,
    databaseUrl,
    timeoutMs: (fallbackSeconds) => count(parsed.timeout, fallbackSeconds, 'timeout') * 1000,
    command: `npm run bench -- ${argv.join(' ')}`.trim(),
    machine,
    tree: sourceTree(),
    repeat: Math.max(1, count(parsed.repeat, 1, 'repeat')),
    profileDir: parsed['cpu-prof'] ? resolve('bench-results/tmp/profiles') : undefined,
    quiet: (label) => (quietLoad === undefined ? Promise.resolve() : waitForQuiet(label, Number(quietLoad))),
  };

  const tables: string[] = [];
  const failures: string[] = [];
  for (const family of BENCH_FAMILIES) {
    const selected = family.scenarios.map((s) => s.name).filter((name) => scenarios.includes(name));
    if (selected.length === 0) continue;
    const outcome = await runFamily(family, selected, bench);
    tables.push(outcome.table);
    failures.push(...outcome.failures);
  }
  process.stdout.write(tables.join(''));
  if (failures.length > 0) {
    process.stderr.write(`\n${failures.length} scenario(s) failed:\n${failures.join('\n')}\n`);
    return 1;
  }
  return 0;
}

async function runFamily(family: BenchFamily, selected: readonly string[], bench: BenchRun) {
  try {
    return await family.run(selected, bench);
  } catch (error) {
    // What the family does before its scenarios (e.g. generating a history) failed: all of them did.
    const message = error instanceof Error ? error.message : String(error);
    for (const scenario of selected) log(scenario, `FAILED: ${message}`);
    return { table: '', failures: selected.map((scenario) => `${scenario}: ${message}`) };
  }
}

/** Waits until the 1-minute load average drops below `limit`, for at most 10 minutes. */
async function waitForQuiet(label: string, limit: number): Promise<void> {
  const until = Date.now() + 600_000;
  while (loadAverage() >= limit && Date.now() < until) {
    log(label, `load average ${loadAverage()} ≥ ${limit}: waiting for a quieter machine…`);
    await new Promise((r) => setTimeout(r, 10_000));
  }
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
