import { count, eachScenario, text, type BenchFamily } from './bench-family.js';
import { runPartitionsScenario } from './partitions-scenario.js';

/** Folding with several projector processes (`--partitions`): bench-results/partitions.json (written whole). */
export const partitionsBench: BenchFamily = {
  scenarios: [
    {
      name: 'partitions-postgres',
      summary:
        'every projection folded from the start of a generated log by 1, 2 and 4 `ledger projections run` processes sharing them (--partitions)',
    },
  ],
  options: {
    'partition-commands': {
      type: 'string',
      value: 'N',
      description: 'partitions: commands of the generated history (default 60000; --accounts, default 24)',
    },
    'partition-processes': {
      type: 'string',
      value: 'LIST',
      description: 'partitions: projector process counts, comma-separated, one run each; the first is the baseline (default 1,2,4)',
    },
    'partitions-out': { type: 'string', value: 'FILE', description: 'partitions results file (default bench-results/partitions.json)' },
  },
  run: (selected, bench) =>
    eachScenario(
      selected,
      bench,
      async () =>
        `\n${await runPartitionsScenario({
          databaseUrl: bench.databaseUrl,
          commands: count(bench.values['partition-commands'], 60_000, 'partition-commands'),
          accounts: Math.max(1, count(bench.values.accounts, 24, 'accounts')),
          processes: processCounts(text(bench.values['partition-processes']) ?? '1,2,4'),
          timeoutMs: bench.timeoutMs(1_800),
          out: text(bench.values['partitions-out']) ?? 'bench-results/partitions.json',
          command: bench.command,
        })}\n`,
    ),
};

function processCounts(list: string): number[] {
  const counts = list.split(',').map((part) => count(part.trim(), 0, 'partition-processes'));
  if (counts.length === 0 || counts.some((n) => n < 1)) throw new Error(`--partition-processes must list counts ≥ 1, got "${list}"`);
  return counts;
}
