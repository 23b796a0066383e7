import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { writeHistoryNdjson, type WrittenHistory } from '../../libs/history-generator/src/generate-history.js';
import { optional, type BenchRun, type BenchValues } from './bench-family.js';
import { loadAverage, log, round, type machineInfo } from './bench-support.js';

/** What the scenarios of `npm run bench` share: results files, the machine and tree measured, generated histories. */

export function shortMachine(machine: ReturnType<typeof machineInfo>) {
  return { cpus: machine.cpus, memoryGiB: machine.memoryGiB, node: machine.node, postgres: machine.postgres, pglite: machine.pglite };
}

/** Merges `results` (by scenario) into the results file: each scenario keeps its latest run. */
export async function saveResults(
  file: string,
  machine: ReturnType<typeof machineInfo>,
  results: Record<string, unknown>,
  description: string,
): Promise<void> {
  let previous: { scenarios?: Record<string, unknown> } = {};
  if (existsSync(file)) {
    try {
      previous = JSON.parse(readFileSync(file, 'utf8')) as typeof previous;
    } catch {
      previous = {};
    }
  }
  const merged = {
    description,
    updatedAt: new Date().toISOString(),
    machine,
    scenarios: { ...(previous.scenarios ?? {}), ...results },
  };
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(merged, null, 2)}\n`);
  log('bench', `results merged into ${relative(process.cwd(), file)}`);
}

/** The `--file` given, or a generated history (kept in bench-results/tmp, named after its options). */
export async function prepareHistory(
  values: BenchValues,
  size: { commands: number; users?: number; days?: number },
): Promise<WrittenHistory | { file: string }> {
  if (typeof values.file === 'string') return { file: resolve(values.file) };
  const options = { ...size, seed: optional(values.seed, 'seed'), accounts: optional(values.accounts, 'accounts') };
  const suffix = [size.users === undefined ? '' : `-u${size.users}`, size.days === undefined ? '' : `-d${size.days}`].join('');
  const file = resolve(`bench-results/tmp/history-${size.commands}${suffix}.ndjson`);
  log('generate', `writing ${size.commands} commands to ${relative(process.cwd(), file)}`);
  const written = await writeHistoryNdjson(options, file, (done, total, ms) =>
    log('generate', `${done}/${total} commands (${Math.round(done / (ms / 1000))} commands/s)`),
  );
  log(
    'generate',
    `${written.stats.commands} commands, ${written.options.accounts} accounts, ${written.options.users} users, ` +
      `${(written.bytes / 2 ** 20).toFixed(1)} MiB in ${written.seconds.toFixed(1)} s`,
  );
  return written;
}

/** How the history measured was made (the generator's command line and what it wrote), or the file given. */
export function datasetOf(history: WrittenHistory | { file: string }) {
  if (!('stats' in history)) return { file: relative(process.cwd(), history.file) };
  return {
    generator:
      `node dist/test/bench/generate-history.js --commands ${history.options.commands} --seed ${history.options.seed} ` +
      `--accounts ${history.options.accounts} --users ${history.options.users} --days ${history.options.days} --out FILE`,
    ...history.options,
    megabytes: round(history.bytes / 2 ** 20, 1),
    firstAt: history.stats.firstAt,
    lastAt: history.stats.lastAt,
    byType: history.stats.byType,
    expectedRejections: history.stats.expectedRejections,
  };
}

/** What every result starts with: when, how, on what tree and machine, and how busy the machine was. */
export function resultHeader(bench: BenchRun, started: string, loadBefore: number) {
  return {
    date: started,
    command: bench.command,
    machine: shortMachine(bench.machine),
    sourceTree: bench.tree,
    loadAverage: { before: loadBefore, after: loadAverage() },
  };
}
