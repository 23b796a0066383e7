import { relative, resolve } from 'node:path';
import { count, optional, orFailure, text, type BenchFamily, type BenchRun } from './bench-family.js';
import { datasetOf, prepareHistory, saveResults, shortMachine } from './bench-results.js';
import { loadAverage, log, type Backend } from './bench-support.js';
import { runHttpScenario, type HttpResult, type ServerRun } from './http-scenario.js';
import { runImportScenario, type ImportResult, type ImportRun } from './import-scenario.js';

/** Write side (issue "ledger core"), merged into bench-results/write-side.json: import and HTTP commands. */

const IMPORT_TARGET_COMMANDS_PER_SECOND = 5_000;
export const WRITE_DESCRIPTION =
  'Write-side benchmarks of License Ledger (npm run bench); see docs/benchmarks.md. Each scenario keeps its latest run.';

/** `--out`: the write-side results file (the appends scenario merges into it too). */
export const writeSideOut = (bench: BenchRun): string => resolve(text(bench.values.out) ?? 'bench-results/write-side.json');

export const writeSideBench: BenchFamily = {
  scenarios: [
    { name: 'import-postgres', summary: '`ledger import` of a generated history (default 100,000 commands)' },
    { name: 'import-pglite', summary: 'the same on the embedded store' },
    { name: 'http-postgres', summary: 'single-command latency over HTTP, sequential and concurrent' },
    { name: 'http-pglite', summary: 'the same on the embedded store' },
  ],
  groups: { write: ['import-postgres', 'import-pglite', 'http-postgres', 'http-pglite'] },
  options: {
    commands: { type: 'string', value: 'N', description: 'commands to import (default 100000)' },
    'skip-projections': {
      type: 'boolean',
      description:
        'import: measure only `ledger import --no-wait` (the write side), not also the default `ledger import` that waits for ' +
        'the projections to catch up; HTTP: only the API as `ledger serve` runs it, not also an API without projections',
    },
    'http-commands': { type: 'string', value: 'N', description: 'sequential HTTP commands measured (default 2000)' },
    'concurrent-commands': { type: 'string', value: 'N', description: 'HTTP commands measured per concurrent variant (default 4000)' },
    concurrency: { type: 'string', value: 'C', description: 'requests in flight in the concurrent variants (default 8)' },
    'http-users': { type: 'string', value: 'N', description: 'users per HTTP benchmark account (default 200)' },
    warmup: { type: 'string', value: 'N', description: 'HTTP commands sent before measuring each variant (default 200)' },
    out: { type: 'string', value: 'FILE', description: 'write-side results file (default bench-results/write-side.json)' },
  },
  async run(selected, bench) {
    const { values } = bench;
    const failures: string[] = [];
    const results: Record<string, Record<string, unknown>> = {};
    const history = selected.some((s) => s.startsWith('import'))
      ? await prepareHistory(values, {
          commands: count(values.commands, 100_000, 'commands'),
          users: optional(values.users, 'users'),
          days: optional(values.days, 'days'),
        })
      : undefined;
    for (const scenario of selected) {
      const [kind, backend] = scenario.split('-') as ['import' | 'http', Backend];
      const started = new Date().toISOString();
      await orFailure(scenario, failures, async () => {
        const runs: { result: Record<string, unknown>; headline: number; loadBefore: number; loadAfter: number }[] = [];
        for (let i = 0; i < bench.repeat; i++) {
          if (bench.repeat > 1) log(scenario, `run ${i + 1}/${bench.repeat}`);
          await bench.quiet(scenario);
          const loadBefore = loadAverage();
          if (kind === 'import') {
            const result = await runImportScenario({
              backend,
              file: history!.file,
              databaseUrl: bench.databaseUrl,
              timeoutMs: bench.timeoutMs(900),
              profileDir: bench.profileDir,
              withProjections: !values['skip-projections'],
            });
            runs.push({
              result: {
                dataset: datasetOf(history!),
                ...withoutProfileDetail(result),
                ...(backend === 'postgres'
                  ? {
                      targetCommandsPerSecond: IMPORT_TARGET_COMMANDS_PER_SECOND,
                      meetsTarget: result.commandsPerSecond >= IMPORT_TARGET_COMMANDS_PER_SECOND,
                    }
                  : {}),
              },
              headline: result.commandsPerSecond,
              loadBefore,
              loadAfter: loadAverage(),
            });
          } else {
            const result = await runHttpScenario({
              backend,
              databaseUrl: bench.databaseUrl,
              timeoutMs: bench.timeoutMs(900),
              profileDir: bench.profileDir,
              sequential: count(values['http-commands'], 2_000, 'http-commands'),
              concurrent: count(values['concurrent-commands'], 4_000, 'concurrent-commands'),
              concurrency: Math.max(1, count(values.concurrency, 8, 'concurrency')),
              users: Math.max(8, count(values['http-users'], 200, 'http-users')),
              warmup: count(values.warmup, 200, 'warmup'),
              writeSideOnly: !values['skip-projections'],
            });
            runs.push({ result: withoutProfileDetail(result), headline: -result.sequential.p50Ms, loadBefore, loadAfter: loadAverage() });
          }
        }
        // The median run by throughput (import) or by sequential p50 (HTTP).
        const median = [...runs].sort((a, b) => a.headline - b.headline)[Math.floor((runs.length - 1) / 2)]!;
        results[scenario] = {
          date: started,
          command: bench.command,
          machine: shortMachine(bench.machine),
          sourceTree: bench.tree,
          loadAverage: { before: median.loadBefore, after: median.loadAfter },
          ...median.result,
          ...(runs.length > 1
            ? {
                runs: runs.map((r) => ({
                  ...(kind === 'import' ? { commandsPerSecond: r.headline } : { sequentialP50Ms: -r.headline }),
                  loadBefore: r.loadBefore,
                  loadAfter: r.loadAfter,
                })),
              }
            : {}),
        };
      });
    }
    if (Object.keys(results).length > 0) await saveResults(writeSideOut(bench), bench.machine, results, WRITE_DESCRIPTION);
    return { table: writeSideTable(results), failures };
  },
};

/** Keeps the profile's headline figures in the results; the full summary is in the .txt beside the profile. */
function withoutProfileDetail<T extends ImportResult | HttpResult>(result: T): Record<string, unknown> {
  if (!result.profile) return { ...result };
  const { summary, file } = result.profile;
  return {
    ...result,
    profile: {
      summaryFile: `${relative(process.cwd(), file)}.txt`,
      file: relative(process.cwd(), file),
      sampledMs: summary.durationMs,
      byArea: summary.byArea.slice(0, 12),
      topSelf: summary.topSelf.slice(0, 15),
      topProjectInclusive: summary.topProjectInclusive.slice(0, 15),
    },
  };
}

function writeSideTable(results: Record<string, Record<string, unknown>>): string {
  const lines: string[] = [];
  for (const [scenario, r] of Object.entries(results)) {
    if (scenario.startsWith('import')) {
      const x = r as unknown as ImportResult;
      const row = (name: string, y: ImportRun) =>
        `| ${name} | ${y.commands} commands (${y.rejected} rejected) → ${y.events} events in ${y.appends} appends | ${y.wallSeconds} s | ` +
        `**${y.commandsPerSecond} commands/s**, ${y.eventsPerSecond} events/s | apply phase ${y.applyCommandsPerSecond ?? '–'} commands/s; ` +
        `${y.secondsToFirstChunk ?? '–'} s to the first chunk; ${y.secondsAfterApply ?? '–'} s after the last; peak RSS ${y.peakRssMiB ?? '–'} MiB |`;
      lines.push(row(`${scenario} (${x.mode})`, x));
      if (x.withProjections) lines.push(row(`${scenario} (import, waits for projections)`, x.withProjections));
    } else {
      const x = r as unknown as HttpResult;
      const rows = (suffix: string, run: ServerRun) => {
        const variants = [
          ['GET /health', run.baseline],
          ['sequential', run.sequential],
          ['1 account', run.concurrentOneAccount],
          ['many accounts', run.concurrentManyAccounts],
        ] as const;
        for (const [name, v] of variants) {
          lines.push(
            `| ${scenario}${suffix} ${name} | ${v.count} requests, ${v.inFlight} in flight, ${v.accounts} account(s) | ${v.seconds} s | ` +
              `**${v.commandsPerSecond}/s** | p50 ${v.p50Ms} ms, p95 ${v.p95Ms} ms, p99 ${v.p99Ms} ms, max ${v.maxMs} ms` +
              `${Object.keys(v.failures).length ? `; failures ${JSON.stringify(v.failures)}` : ''} |`,
          );
        }
      };
      rows('', x);
      if (x.writeSideOnly) rows(' (no projections)', x.writeSideOnly);
    }
  }
  if (lines.length === 0) return '';
  return ['', '| scenario | work | wall | throughput | details |', '|---|---|---|---|---|', ...lines, ''].join('\n');
}
