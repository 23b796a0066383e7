import { count, orFailure, type BenchFamily } from './bench-family.js';
import { resultHeader, saveResults } from './bench-results.js';
import { loadAverage } from './bench-support.js';
import { runAppendsScenario, type AppendsResult } from './appends-scenario.js';
import { WRITE_DESCRIPTION, writeSideOut } from './write-side-bench.js';

/** The store's appends (write side), merged into bench-results/write-side.json. */
export const appendsBench: BenchFamily = {
  scenarios: [
    {
      name: 'appends-postgres',
      summary:
        "the store's appends by 1 and 8 writers vs a one-row INSERT and vs the store with the NOTIFY trigger it had before migration 0008, interleaved in one run",
    },
  ],
  options: {
    'append-rounds': { type: 'string', value: 'N', description: 'appends: interleaved rounds of every variant (default 5)' },
    'append-seconds': { type: 'string', value: 'S', description: 'appends: seconds each variant appends per round (default 3)' },
    out: { type: 'string', value: 'FILE', description: 'write-side results file (default bench-results/write-side.json)' },
  },
  async run(selected, bench) {
    const failures: string[] = [];
    const results: Record<string, Record<string, unknown>> = {};
    for (const scenario of selected) {
      const started = new Date().toISOString();
      await orFailure(scenario, failures, async () => {
        await bench.quiet(scenario);
        const loadBefore = loadAverage();
        const result = await runAppendsScenario({
          databaseUrl: bench.databaseUrl,
          writers: [1, 8],
          rounds: Math.max(1, count(bench.values['append-rounds'], 5, 'append-rounds')),
          seconds: Math.max(1, count(bench.values['append-seconds'], 3, 'append-seconds')),
        });
        results[scenario] = {
          ...resultHeader(bench, started, loadBefore),
          ...result,
        };
      });
    }
    if (Object.keys(results).length > 0) await saveResults(writeSideOut(bench), bench.machine, results, WRITE_DESCRIPTION);
    return { table: appendsTable(results), failures };
  },
};

function appendsTable(results: Record<string, Record<string, unknown>>): string {
  const lines: string[] = [];
  for (const [scenario, r] of Object.entries(results)) {
    const x = r as unknown as AppendsResult;
    for (const w of x.byWriters) {
      const a = w.appendsPerSecond;
      lines.push(
        `| ${scenario} ${w.writers} writer(s) | one event per append | ${x.secondsPerVariant} s × ${x.rounds} rounds | ` +
          `**store ${a.store}/s** (before 0008: ${a.trigger}/s; one-row INSERT ${a.insert}/s) | store/before ${w.storeVsTrigger}×, store/INSERT ${w.storeVsInsert}×, before/INSERT ${w.triggerVsInsert}× |`,
      );
    }
  }
  if (lines.length === 0) return '';
  return ['', '| scenario | work | wall | throughput | details |', '|---|---|---|---|---|', ...lines, ''].join('\n');
}
