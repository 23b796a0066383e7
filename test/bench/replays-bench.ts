import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { count, eachScenario, text, type BenchFamily } from './bench-family.js';
import { loadAverage, log, machineInfo, postgresVersion, sourceTree, withoutPassword } from './bench-support.js';
import {
  REPLAY_LOAD_TARGET_RATIO,
  REPLAY_LOADS,
  runReplayLoadScenario,
  type ReplayLoad,
  type ReplayLoadOptions,
  type ReplayLoadResult,
} from './replay-load-scenario.js';

/** Replays cannot starve reports (issue 15, item 5): bench-results/replays.json (written whole). */
export const replaysBench: BenchFamily = {
  scenarios: [
    {
      name: 'replays-postgres',
      summary:
        "a plain report's p95 quiet and with 8 replays in flight (as-of; what-if and reclaim-backtest), replays in the event loop and on threads, on --replays-schema",
    },
  ],
  options: {
    'replays-schema': {
      type: 'string',
      value: 'SCHEMA',
      description: 'replays: an imported ledger with its projections caught up (read only; required)',
    },
    'in-flight': { type: 'string', value: 'N', description: 'replays: replays in flight while loaded (default 8)' },
    loads: {
      type: 'string',
      value: 'LIST',
      description: `replays: which replays are in flight, comma-separated: ${REPLAY_LOADS.join(', ')} (default both)`,
    },
    rounds: { type: 'string', value: 'N', description: 'replays: rounds of a quiet phase then a loaded phase, per variant (default 3)' },
    samples: { type: 'string', value: 'N', description: 'replays: plain reports timed per phase (default 100)' },
    'phase-seconds': {
      type: 'string',
      value: 'S',
      description: 'replays: a phase stops timing after S seconds even with fewer samples (default 60)',
    },
    'replays-out': { type: 'string', value: 'FILE', description: 'replays results file (default bench-results/replays.json)' },
  },
  run: (selected, bench) =>
    eachScenario(selected, bench, async () => {
      const { values } = bench;
      const schema = text(values['replays-schema']);
      if (schema === undefined) throw new Error('needs --replays-schema SCHEMA: an imported ledger with its projections caught up');
      const result = await measureReplayLoad(
        {
          databaseUrl: bench.databaseUrl,
          schema,
          inFlight: Math.max(1, count(values['in-flight'], 8, 'in-flight')),
          loads: replayLoadsOf(text(values.loads) ?? REPLAY_LOADS.join(',')),
          rounds: Math.max(1, count(values.rounds, 3, 'rounds')),
          samples: Math.max(1, count(values.samples, 100, 'samples')),
          phaseSeconds: Math.max(1, count(values['phase-seconds'], 60, 'phase-seconds')),
          timeoutMs: bench.timeoutMs(900),
        },
        bench.command,
        text(values['replays-out']) ?? 'bench-results/replays.json',
      );
      return `\n${replayLoadTable(result)}`;
    }),
};

/** Runs the scenario and writes its results file (`out`, whole). */
export async function measureReplayLoad(options: ReplayLoadOptions, command: string, out: string): Promise<ReplayLoadResult> {
  const postgres = await postgresVersion(options.databaseUrl);
  if (postgres === null) throw new Error(`PostgreSQL is not reachable at ${withoutPassword(options.databaseUrl)} (--database-url)`);
  const loadBefore = loadAverage();
  const started = new Date().toISOString();
  const result = await runReplayLoadScenario(options);
  const file = resolve(out);
  await mkdir(dirname(file), { recursive: true });
  const entry = {
    scenario: 'replays-postgres',
    command,
    started,
    finished: new Date().toISOString(),
    commit: sourceTree().commit,
    machine: machineInfo(`PostgreSQL ${postgres}`),
    loadAverage: { before: loadBefore, after: loadAverage() },
    targetRatio: REPLAY_LOAD_TARGET_RATIO,
    result,
  };
  await writeFile(file, `${JSON.stringify(entry, null, 2)}\n`);
  log('replays', `results in ${file}`);
  return result;
}

/** `--loads`: some of REPLAY_LOADS, comma-separated. */
export function replayLoadsOf(value: string): ReplayLoad[] {
  const words = value.split(',').map((w) => w.trim());
  const unknown = words.filter((w) => !(REPLAY_LOADS as readonly string[]).includes(w));
  if (unknown.length > 0 || words.length === 0) {
    throw new Error(`--loads: ${unknown.join(', ') || 'nothing'} given; expected some of ${REPLAY_LOADS.join(', ')}`);
  }
  return REPLAY_LOADS.filter((load) => words.includes(load));
}

export function replayLoadTable(result: ReplayLoadResult): string {
  const lines = [
    `Plain report \`${result.plainReport}\` with ${result.inFlight} replays in flight (${result.accountEvents} events): ` +
      `as-of \`${result.replay}\`; capacity ${result.capacityReplays.map((p) => `\`${p}\``).join(', ')} in turn`,
    '',
    '| replays in flight | run | quiet p50 / p95 | loaded p50 / p95 | loaded p95 ÷ quiet p95 | replay p50 | replays answered | refused |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const v of result.variants) {
    lines.push(
      `| ${v.load} | ${v.replayThreads ? 'replay threads' : 'event loop'} | ${v.quiet.p50Ms} / ${v.quiet.p95Ms} ms | ${v.loaded.p50Ms} / ${v.loaded.p95Ms} ms | ` +
        `${v.p95Ratio} ${v.meetsTarget ? '(≤ 2 ✓)' : '(> 2 ✗)'} | ${v.replays.p50Ms} ms | ${v.replays.count} | ${v.replaysRefused} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}
