import { DEFAULT_SNAPSHOT_EVERY_EVENTS } from '../../libs/platform/src/config.js';
import { count, eachScenario, text, type BenchFamily } from './bench-family.js';
import { runRestartScenario } from './restart-scenario.js';

/** The first command after a restart, with and without account-state snapshots: bench-results/snapshots.json (written whole). */
export const restartBench: BenchFamily = {
  scenarios: [
    {
      name: 'restart-postgres',
      summary: 'first command on a ~2M-event account in a fresh process, with and without account-state snapshots, alternately',
    },
  ],
  options: {
    'restart-schema': {
      type: 'string',
      value: 'SCHEMA',
      description: 'restart: the schema holding the big account, kept between runs; imported when empty (default bench_restart_2m)',
    },
    'restart-commands': {
      type: 'string',
      value: 'N',
      description: 'restart: commands of the one-account history imported into an empty schema (default 1900000)',
    },
    'restart-tail': {
      type: 'string',
      value: 'N',
      description: `restart: events appended after the snapshot (default ${DEFAULT_SNAPSHOT_EVERY_EVENTS - 1})`,
    },
    'restart-runs': { type: 'string', value: 'N', description: 'restart: fresh processes per variant (default 5)' },
    'snapshots-out': { type: 'string', value: 'FILE', description: 'restart results file (default bench-results/snapshots.json)' },
  },
  run: (selected, bench) =>
    eachScenario(selected, bench, async () => {
      const { line } = await runRestartScenario({
        databaseUrl: bench.databaseUrl,
        schema: text(bench.values['restart-schema']) ?? 'bench_restart_2m',
        commands: count(bench.values['restart-commands'], 1_900_000, 'restart-commands'),
        tail: count(bench.values['restart-tail'], DEFAULT_SNAPSHOT_EVERY_EVENTS - 1, 'restart-tail'),
        runs: Math.max(1, count(bench.values['restart-runs'], 5, 'restart-runs')),
        out: text(bench.values['snapshots-out']) ?? 'bench-results/snapshots.json',
        command: bench.command,
      });
      return [
        '',
        '| restart-postgres account | first command without snapshots | with snapshots | second command without / with |',
        '|---|---|---|---|',
        line,
      ].join('\n');
    }),
};
