import { relative, resolve } from 'node:path';
import { count, orFailure, text, type BenchFamily, type BenchValues } from './bench-family.js';
import { datasetOf, prepareHistory, resultHeader, saveResults } from './bench-results.js';
import { loadAverage } from './bench-support.js';
import { runReadSideScenario, type RebuildResult, type ReportsResult } from './read-side-scenario.js';

const READ_DESCRIPTION =
  'Read-side benchmarks of License Ledger (npm run bench -- --only read); see docs/benchmarks.md. Each scenario keeps its latest run.';

/** The read-side history: `--schema` (already imported), or ~1M events generated (`--read-commands`). */
export function readHistory(values: BenchValues) {
  return typeof values.schema === 'string'
    ? Promise.resolve({ file: '' })
    : prepareHistory(values, {
        commands: count(values['read-commands'], 950_000, 'read-commands'),
        users: count(values.users, 100_000, 'users'),
        days: count(values.days, 365, 'days'),
      });
}

/** Read side (issue "Projections and reports"), merged into bench-results/read-side.json. */
export const readSideBench: BenchFamily = {
  scenarios: [
    { name: 'rebuild-postgres', summary: 'every projection rebuilt from a log of ~1M events' },
    { name: 'rebuild-pglite', summary: 'the same on the embedded store' },
    { name: 'reports-postgres', summary: 'p50/p95 of every report on the biggest account of that log' },
    { name: 'reports-pglite', summary: 'the same on the embedded store' },
  ],
  groups: { read: ['rebuild-postgres', 'rebuild-pglite', 'reports-postgres', 'reports-pglite'] },
  options: {
    'read-commands': {
      type: 'string',
      value: 'N',
      description: 'commands of the read-side history (default 950000, about 1M events; with --users 100000 and --days 365 unless given)',
    },
    'report-runs': { type: 'string', value: 'N', description: 'timed runs per report case (default 30)' },
    'one-at-a-time': { type: 'boolean', description: 'rebuild: only each projection alone, not also all of them in one pass and the raw log read' },
    schema: {
      type: 'string',
      value: 'SCHEMA',
      description:
        'read side on PostgreSQL: measure this schema, already imported (and kept), instead of importing the history into a ' +
        'fresh one; its reports are timed on its projections as they stand (rebuilt only with rebuild-postgres)',
    },
    'read-out': { type: 'string', value: 'FILE', description: 'read-side results file (default bench-results/read-side.json)' },
  },
  async run(selected, bench) {
    const { values } = bench;
    const failures: string[] = [];
    const results: Record<string, Record<string, unknown>> = {};
    const history = await readHistory(values);
    const schema = text(values.schema);
    for (const backend of ['postgres', 'pglite'] as const) {
      const rebuild = selected.includes(`rebuild-${backend}`);
      const reports = selected.includes(`reports-${backend}`);
      if (!rebuild && !reports) continue;
      const started = new Date().toISOString();
      const loadBefore = loadAverage();
      await orFailure(`read-${backend}`, failures, async () => {
        const result = await runReadSideScenario({
          backend,
          file: history.file,
          databaseUrl: bench.databaseUrl,
          timeoutMs: bench.timeoutMs(3600),
          rebuild,
          reports,
          rebuildTogether: !values['one-at-a-time'],
          reportRuns: Math.max(1, count(values['report-runs'], 30, 'report-runs')),
          profileDir: bench.profileDir,
          existingSchema: schema,
        });
        const common = {
          ...resultHeader(bench, started, loadBefore),
          dataset: schema !== undefined ? { schema } : datasetOf(history),
          events: result.events,
          importSeconds: result.importSeconds,
        };
        if (result.rebuild) results[`rebuild-${backend}`] = { ...common, ...withoutRebuildProfileDetail(result.rebuild) };
        if (result.reports) results[`reports-${backend}`] = { ...common, ...result.reports };
      });
    }
    if (Object.keys(results).length > 0) {
      await saveResults(resolve(text(values['read-out']) ?? 'bench-results/read-side.json'), bench.machine, results, READ_DESCRIPTION);
    }
    return { table: readSideTable(results), failures };
  },
};

/** Keeps each profile's headline figures; the full summary is in the .txt beside the profile. */
function withoutRebuildProfileDetail(result: RebuildResult): Record<string, unknown> {
  return {
    ...result,
    oneAtATime: result.oneAtATime.map((r) =>
      r.profile
        ? {
            ...r,
            profile: {
              summaryFile: `${relative(process.cwd(), r.profile.file)}.txt`,
              sampledMs: r.profile.summary.durationMs,
              byArea: r.profile.summary.byArea.slice(0, 8),
              topSelf: r.profile.summary.topSelf.slice(0, 10),
              topProjectInclusive: r.profile.summary.topProjectInclusive.slice(0, 10),
            },
          }
        : r,
    ),
  };
}

function readSideTable(results: Record<string, Record<string, unknown>>): string {
  const lines: string[] = [];
  for (const [scenario, r] of Object.entries(results)) {
    if (scenario.startsWith('rebuild')) {
      const x = r as unknown as RebuildResult;
      for (const p of x.oneAtATime)
        lines.push(`| ${scenario} ${p.projection} | ${x.events} events | ${p.seconds} s | **${p.eventsPerSecond} events/s** |`);
      lines.push(
        `| ${scenario} one at a time | ${x.events} events × ${x.oneAtATime.length} | ${x.sequentialSeconds} s | **${x.sequentialEventsPerSecond} events/s** |`,
      );
      if (x.onePass) {
        const { rebuild, rawRead } = x.onePass;
        lines.push(
          `| ${scenario} one pass | ${x.events} events × ${x.oneAtATime.length} | ${rebuild.seconds} s, peak RSS ${rebuild.peakRssMiB ?? '?'} MiB | ` +
            `**${rebuild.eventsPerSecond} events/s** (${x.onePass.speedupOverSequential}× one at a time, ${Math.round(x.onePass.shareOfRawRead * 100)}% of the raw read) |`,
          `| ${scenario} raw keyset read | ${x.events} events, pages of ${rawRead.pageSize} | ${rawRead.readSeconds} s (+${rawRead.decodeSeconds} s decoding) | ` +
            `**${rawRead.eventsPerSecond} events/s** (${rawRead.readAndDecodeEventsPerSecond} decoded) |`,
        );
      }
    } else {
      const x = r as unknown as ReportsResult;
      for (const c of x.cases)
        lines.push(
          `| ${scenario} ${c.label} | ${c.count} runs | p50 ${c.p50Ms} ms | **p95 ${c.p95Ms} ms**${c.meetsTarget ? '' : ' (over target)'} |`,
        );
    }
  }
  if (lines.length === 0) return '';
  return ['', '| read side | work | time | figure |', '|---|---|---|---|', ...lines, ''].join('\n');
}
