import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_DATABASE_URL, loadAverage, log, machineInfo, postgresVersion, runAllCleanups, withoutPassword } from './bench-support.js';
import { runReplayLoadScenario, REPLAY_LOAD_TARGET_RATIO, type ReplayLoadResult } from './replay-load-scenario.js';

/**
 * `node dist/test/bench/replay-load.js --schema SCHEMA` (after `npm run build`): the `replays-postgres`
 * scenario (replay-load-scenario.ts) on a ledger already imported and projected in SCHEMA, which it
 * only reads. Results go to bench-results/replays.json, a Markdown table to stdout.
 */
const USAGE = `Usage: node dist/test/bench/replay-load.js --schema SCHEMA [options]
  --schema SCHEMA       an imported ledger with its projections caught up (read only)
  --in-flight N         replays in flight while loaded (default 8)
  --rounds N            rounds of a quiet phase then a loaded phase, per variant (default 3)
  --samples N           plain reports timed per phase (default 100)
  --phase-seconds S     a phase stops timing after S seconds even with fewer samples (default 60)
  --database-url URL    PostgreSQL (default BENCH_DATABASE_URL, TEST_DATABASE_URL or ${DEFAULT_DATABASE_URL})
  --timeout S           time limit of each server in seconds (default 900)
  --out FILE            results file (default bench-results/replays.json)`;

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      schema: { type: 'string' },
      'in-flight': { type: 'string', default: '8' },
      rounds: { type: 'string', default: '3' },
      samples: { type: 'string', default: '100' },
      'phase-seconds': { type: 'string', default: '60' },
      'database-url': { type: 'string' },
      timeout: { type: 'string', default: '900' },
      out: { type: 'string', default: 'bench-results/replays.json' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help || values.schema === undefined) {
    process.stdout.write(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  const databaseUrl = values['database-url'] ?? process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? DEFAULT_DATABASE_URL;
  const postgres = await postgresVersion(databaseUrl);
  if (postgres === null) throw new Error(`PostgreSQL is not reachable at ${withoutPassword(databaseUrl)} (--database-url)`);
  const loadBefore = loadAverage();
  const started = new Date().toISOString();
  const result = await runReplayLoadScenario({
    databaseUrl,
    schema: values.schema,
    inFlight: whole(values['in-flight']!, 'in-flight'),
    rounds: whole(values.rounds!, 'rounds'),
    samples: whole(values.samples!, 'samples'),
    phaseSeconds: whole(values['phase-seconds']!, 'phase-seconds'),
    timeoutMs: whole(values.timeout!, 'timeout') * 1000,
  });
  const out = resolve(values.out!);
  await mkdir(dirname(out), { recursive: true });
  const entry = {
    scenario: 'replays-postgres',
    command: `node dist/test/bench/replay-load.js ${argv.join(' ')}`.trim(),
    started,
    finished: new Date().toISOString(),
    commit: commit(),
    machine: machineInfo(`PostgreSQL ${postgres}`),
    loadAverage: { before: loadBefore, after: loadAverage() },
    targetRatio: REPLAY_LOAD_TARGET_RATIO,
    result,
  };
  await writeFile(out, `${JSON.stringify(entry, null, 2)}\n`);
  log('replays', `results in ${out}`);
  process.stdout.write(table(result));
  return 0;
}

function table(result: ReplayLoadResult): string {
  const lines = [
    `Plain report \`${result.plainReport}\` with ${result.inFlight} × \`${result.replay}\` in flight (${result.accountEvents} events):`,
    '',
    '| replays | quiet p50 / p95 | loaded p50 / p95 | loaded p95 ÷ quiet p95 | replay p50 | replays answered | refused |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const v of result.variants) {
    lines.push(
      `| ${v.replayThreads ? 'replay threads' : 'event loop'} | ${v.quiet.p50Ms} / ${v.quiet.p95Ms} ms | ${v.loaded.p50Ms} / ${v.loaded.p95Ms} ms | ` +
        `${v.p95Ratio} ${v.meetsTarget ? '(≤ 2 ✓)' : '(> 2 ✗)'} | ${v.replays.p50Ms} ms | ${v.replays.count} | ${v.replaysRefused} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}

function whole(value: string, name: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`--${name} must be a whole number ≥ 1, got "${value}"`);
  return n;
}

function commit(): string | null {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return null;
  }
}

main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  })
  .catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  })
  .finally(() => runAllCleanups());
