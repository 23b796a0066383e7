import { parseArgs } from 'node:util';
import { DEFAULT_DATABASE_URL, runAllCleanups } from './bench-support.js';
import { REPLAY_LOADS } from './replay-load-scenario.js';
import { measureReplayLoad, replayLoadsOf, replayLoadTable } from './replays-bench.js';

/**
 * `node dist/test/bench/replay-load.js --schema SCHEMA` (after `npm run build`): the `replays-postgres`
 * scenario (replay-load-scenario.ts) alone, on a ledger already imported and projected in SCHEMA,
 * which it only reads — the same as `npm run bench -- --only replays-postgres --replays-schema SCHEMA`.
 * Results go to bench-results/replays.json, a Markdown table to stdout.
 */
const USAGE = `Usage: node dist/test/bench/replay-load.js --schema SCHEMA [options]
  --schema SCHEMA       an imported ledger with its projections caught up (read only)
  --in-flight N         replays in flight while loaded (default 8)
  --loads LIST          which replays are in flight, comma-separated: as-of (licenses as of the last event),
                        capacity (what-if and reclaim-backtest over the last year); default both
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
      loads: { type: 'string', default: REPLAY_LOADS.join(',') },
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
  const result = await measureReplayLoad(
    {
      databaseUrl: values['database-url'] ?? process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? DEFAULT_DATABASE_URL,
      schema: values.schema,
      inFlight: whole(values['in-flight']!, 'in-flight'),
      loads: replayLoadsOf(values.loads!),
      rounds: whole(values.rounds!, 'rounds'),
      samples: whole(values.samples!, 'samples'),
      phaseSeconds: whole(values['phase-seconds']!, 'phase-seconds'),
      timeoutMs: whole(values.timeout!, 'timeout') * 1000,
    },
    `node dist/test/bench/replay-load.js ${argv.join(' ')}`.trim(),
    values.out!,
  );
  process.stdout.write(replayLoadTable(result));
  return 0;
}

function whole(value: string, name: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`--${name} must be a whole number ≥ 1, got "${value}"`);
  return n;
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
