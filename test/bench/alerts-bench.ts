import { resolve } from 'node:path';
import { count, orFailure, text, type BenchFamily } from './bench-family.js';
import { resultHeader, saveResults } from './bench-results.js';
import { loadAverage, type Backend } from './bench-support.js';
import { runAlertsScenario, type AlertsResult } from './alerts-scenario.js';

const ALERTS_DESCRIPTION =
  'Alerts and webhooks benchmarks of License Ledger (npm run bench -- --only alerts); see docs/benchmarks.md. Each scenario keeps its latest run.';

/** Alerts (SPEC §9), merged into bench-results/alerts.json. */
export const alertsBench: BenchFamily = {
  scenarios: [
    { name: 'alerts-postgres', summary: 'alert latency, event append → webhook arrival; a receiver failing half the time' },
    { name: 'alerts-pglite', summary: 'the same on the embedded store' },
  ],
  options: {
    alerts: { type: 'string', value: 'N', description: 'alerts raised and cleared one at a time for the latency figures (default 1000)' },
    'flaky-alerts': {
      type: 'string',
      value: 'N',
      description: 'alerts raised and cleared against a receiver that fails every other request (default 200)',
    },
    'alerts-out': { type: 'string', value: 'FILE', description: 'alerts results file (default bench-results/alerts.json)' },
  },
  async run(selected, bench) {
    const failures: string[] = [];
    const results: Record<string, Record<string, unknown>> = {};
    for (const scenario of selected) {
      const backend: Backend = scenario.endsWith('postgres') ? 'postgres' : 'pglite';
      const started = new Date().toISOString();
      await orFailure(scenario, failures, async () => {
        await bench.quiet(scenario);
        const loadBefore = loadAverage();
        const result = await runAlertsScenario({
          backend,
          databaseUrl: bench.databaseUrl,
          timeoutMs: bench.timeoutMs(900),
          alerts: count(bench.values.alerts, 1_000, 'alerts'),
          flakyAlerts: count(bench.values['flaky-alerts'], 200, 'flaky-alerts'),
        });
        results[scenario] = {
          ...resultHeader(bench, started, loadBefore),
          ...result,
        };
      });
    }
    if (Object.keys(results).length > 0) {
      await saveResults(resolve(text(bench.values['alerts-out']) ?? 'bench-results/alerts.json'), bench.machine, results, ALERTS_DESCRIPTION);
    }
    return { table: alertsTable(results), failures };
  },
};

function alertsTable(results: Record<string, Record<string, unknown>>): string {
  const lines: string[] = [];
  for (const [scenario, r] of Object.entries(results)) {
    const x = r as unknown as AlertsResult;
    const l = x.latency;
    lines.push(
      `| ${scenario} latency | ${l.alerts} alerts raised and cleared | command sent → AlertRaised arrived: **p50 ${l.raisedFromSubmit.p50Ms} ms, p99 ${l.raisedFromSubmit.p99Ms} ms** ` +
        `(from the command's answer: p50 ${l.raisedFromAppendAcknowledged.p50Ms} ms, p99 ${l.raisedFromAppendAcknowledged.p99Ms} ms; cleared: p50 ${l.clearedFromSubmit.p50Ms} ms) |`,
    );
    const f = x.flakyReceiver;
    lines.push(
      `| ${scenario} flaky receiver | ${f.alerts} alerts, ${f.deliveries} deliveries | **${f.delivered}/${f.deliveries} delivered** in ${f.secondsUntilAllDelivered} s, ` +
        `${f.attempts} attempts (${f.retries} retries, at most ${f.maxAttemptsOfOneDelivery} for one), receiver ${f.receiverAnswers.ok} ok / ${f.receiverAnswers.failed} failed, ${f.duplicates} duplicates |`,
    );
  }
  if (lines.length === 0) return '';
  return ['', '| alerts | work | figures |', '|---|---|---|', ...lines, ''].join('\n');
}
