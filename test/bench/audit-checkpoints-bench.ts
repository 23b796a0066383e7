import { DEFAULT_CHECKPOINT_EVERY_EVENTS } from '../../libs/audit/src/checkpoints/checkpoint-writer.js';
import { orFailure, text, type BenchFamily } from './bench-family.js';
import { main as auditCheckpointsScenario } from './audit-checkpoints-scenario.js';

/** The scenario's own options, under the names `npm run bench` gives them. */
const PASSED_ON = {
  'checkpoints-source': 'source',
  'checkpoints-account': 'account',
  'checkpoints-schema': 'schema',
  'checkpoints-instants': 'instants',
  'checkpoints-every': 'every',
  'checkpoints-out': 'out',
} as const;

/** As-of answers from replay checkpoints (issue 15, item 4): merged into bench-results/audit-checkpoints.json. */
export const auditCheckpointsBench: BenchFamily = {
  scenarios: [
    {
      name: 'audit-checkpoints',
      summary:
        'as-of licenses, seat-history and explain on one account copied from --checkpoints-source (default perf_1m), from the first event and from checkpoints, answers compared byte for byte',
    },
  ],
  options: {
    'checkpoints-source': {
      type: 'string',
      value: 'SCHEMA',
      description: 'audit-checkpoints: imported ledger to read the account from (default perf_1m; only read)',
    },
    'checkpoints-account': { type: 'string', value: 'ID', description: 'audit-checkpoints: the account (default acct-001)' },
    'checkpoints-schema': {
      type: 'string',
      value: 'SCHEMA',
      description: "audit-checkpoints: schema the account's events are copied to (default audit_ckpt_bench; dropped first)",
    },
    'checkpoints-instants': { type: 'string', value: 'N', description: 'audit-checkpoints: as-of instants spread over the history (default 20)' },
    'checkpoints-every': {
      type: 'string',
      value: 'N',
      description: `audit-checkpoints: events between two checkpoints (default ${DEFAULT_CHECKPOINT_EVERY_EVENTS})`,
    },
    'checkpoints-out': {
      type: 'string',
      value: 'FILE',
      description: 'audit-checkpoints results file (default bench-results/audit-checkpoints.json)',
    },
  },
  async run(selected, bench) {
    const failures: string[] = [];
    for (const scenario of selected) {
      await orFailure(scenario, failures, async () => {
        await bench.quiet(scenario);
        const argv = ['--database-url', bench.databaseUrl];
        for (const [option, own] of Object.entries(PASSED_ON)) {
          const value = text(bench.values[option]);
          if (value !== undefined) argv.push(`--${own}`, value);
        }
        // The scenario writes its results file and its table (stdout) itself.
        const code = await auditCheckpointsScenario(argv);
        if (code !== 0) throw new Error(`ended with code ${code}`);
      });
    }
    return { table: '', failures };
  },
};
