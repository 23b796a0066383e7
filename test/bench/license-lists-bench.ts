import { count, eachScenario, text, type BenchFamily } from './bench-family.js';
import { runLicenseListsScenario } from './license-lists-scenario.js';

/** The license lists paged against the whole overview (issue 15, item 6): bench-results/license-lists.json (written whole). */
export const licenseListsBench: BenchFamily = {
  scenarios: [
    {
      name: 'license-lists-postgres',
      summary:
        "the license overview whole against the console's first view (overview listLimit=0 + the first page of each list), in-process, on --lists-schema's biggest account",
    },
  ],
  options: {
    'lists-schema': {
      type: 'string',
      value: 'SCHEMA',
      description:
        'license-lists: the schema measured, kept between runs; a generated history is imported when it is empty (default bench_license_lists)',
    },
    'lists-commands': {
      type: 'string',
      value: 'N',
      description: 'license-lists: commands of the history imported into an empty schema (default 950000, ≈1M events; --users, default 100000)',
    },
    'lists-runs': { type: 'string', value: 'N', description: 'license-lists: timed runs per case, after one warm-up (default 20)' },
    'lists-out': { type: 'string', value: 'FILE', description: 'license-lists results file (default bench-results/license-lists.json)' },
  },
  run: (selected, bench) =>
    eachScenario(selected, bench, async () => {
      const { values } = bench;
      const cases = await runLicenseListsScenario({
        databaseUrl: bench.databaseUrl,
        schema: text(values['lists-schema']) ?? 'bench_license_lists',
        commands: count(values['lists-commands'], 950_000, 'lists-commands'),
        users: count(values.users, 100_000, 'users'),
        runs: Math.max(1, count(values['lists-runs'], 20, 'lists-runs')),
        timeoutMs: bench.timeoutMs(3_600),
        out: text(values['lists-out']) ?? 'bench-results/license-lists.json',
      });
      return [
        '',
        '| license-lists-postgres case | p50 | p95 | body | gzipped |',
        '|---|---|---|---|---|',
        ...cases.map((c) => `| ${c.label} | ${c.p50Ms} ms | ${c.p95Ms} ms | ${c.bytes} B | ${c.gzipBytes} B |`),
        '',
      ].join('\n');
    }),
};
