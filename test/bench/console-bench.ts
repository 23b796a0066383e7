import { resolve } from 'node:path';
import { count, orFailure, text, type BenchFamily } from './bench-family.js';
import { datasetOf, resultHeader, saveResults } from './bench-results.js';
import { loadAverage } from './bench-support.js';
import { runConsoleScenario, type ConsoleBenchResult } from './console-scenario.js';
import { readHistory } from './read-side-bench.js';

const CONSOLE_DESCRIPTION =
  'Web console benchmarks of License Ledger (npm run bench -- --only console); see docs/benchmarks.md. Each scenario keeps its latest run.';

/** Web console (issue "web console"), merged into bench-results/console.json; on the read side's history (or `--schema`). */
export const consoleBench: BenchFamily = {
  scenarios: [{ name: 'console-postgres', summary: 'JavaScript of the first view, navigation → rendered chart on the read-side log' }],
  options: {
    'console-runs': {
      type: 'string',
      value: 'N',
      description: 'console: page loads per chart, each from an empty cache and then reloaded (default 5)',
    },
    'console-out': { type: 'string', value: 'FILE', description: 'console results file (default bench-results/console.json)' },
  },
  async run(selected, bench) {
    const { values } = bench;
    const failures: string[] = [];
    const results: Record<string, Record<string, unknown>> = {};
    const schema = text(values.schema);
    for (const scenario of selected) {
      const history = await readHistory(values);
      await bench.quiet(scenario);
      const started = new Date().toISOString();
      const loadBefore = loadAverage();
      await orFailure(scenario, failures, async () => {
        const result = await runConsoleScenario({
          file: history.file,
          databaseUrl: bench.databaseUrl,
          timeoutMs: bench.timeoutMs(3600),
          runs: Math.max(1, count(values['console-runs'], 5, 'console-runs')),
          existingSchema: schema,
        });
        results[scenario] = {
          ...resultHeader(bench, started, loadBefore),
          dataset: schema !== undefined ? { schema } : datasetOf(history),
          browser: 'Debian chromium, headless, fresh profile',
          ...result,
        };
        await saveResults(resolve(text(values['console-out']) ?? 'bench-results/console.json'), bench.machine, results, CONSOLE_DESCRIPTION);
      });
    }
    return { table: consoleTable(results), failures };
  },
};

function consoleTable(results: Record<string, Record<string, unknown>>): string {
  const lines: string[] = [];
  for (const [scenario, r] of Object.entries(results)) {
    const x = r as unknown as ConsoleBenchResult;
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
