import { log, type machineInfo, type sourceTree } from './bench-support.js';

/**
 * How a module takes part in `npm run bench` (run.ts): a family of scenarios that share their code,
 * their options and a results file. Each family is written in its own module (`*-bench.ts`) and listed
 * in scenarios.ts; run.ts only parses the options, selects scenarios and runs their families.
 */
export interface BenchFamily {
  /** Its scenarios, in the order they run, each with a line for `--help`. */
  readonly scenarios: readonly { readonly name: string; readonly summary: string }[];
  /** Words of `--only` naming several of its scenarios at once (besides `all`, the names and each part of a name). */
  readonly groups?: Readonly<Record<string, readonly string[]>>;
  /** Options of its own (several families may declare one they share: its first description is shown). */
  readonly options?: Readonly<Record<string, BenchOption>>;
  /** Runs the `selected` scenarios (some of its own, in its order), writes their results and answers a Markdown table. */
  run(selected: readonly string[], bench: BenchRun): Promise<BenchOutcome>;
}

export interface BenchOption {
  readonly type: 'string' | 'boolean';
  /** What a value looks like in `--help`, e.g. `N`, `FILE`. */
  readonly value?: string;
  readonly description: string;
}

/** The parsed command line: every option of every family. */
export type BenchValues = Readonly<Record<string, string | boolean | undefined>>;

/** What every family runs with. */
export interface BenchRun {
  readonly values: BenchValues;
  readonly databaseUrl: string;
  /** `--timeout`, when given (each family has its own default). */
  timeoutMs(fallbackSeconds: number): number;
  /** `npm run bench -- …` as typed. */
  readonly command: string;
  readonly machine: ReturnType<typeof machineInfo>;
  /** The commit and the files changed from it (other work in progress is measured too). */
  readonly tree: ReturnType<typeof sourceTree>;
  /** `--repeat`: runs per scenario, the median kept (where the family supports it). */
  readonly repeat: number;
  /** `--cpu-prof`: where profiles go, else undefined. */
  readonly profileDir?: string;
  /** Waits (at most 10 min) while the machine is busier than `--quiet-load`, if given. */
  quiet(label: string): Promise<void>;
}

export interface BenchOutcome {
  /** Markdown of this run's figures ('' when none). */
  readonly table: string;
  /** `scenario: message` of each scenario that failed. */
  readonly failures: readonly string[];
}

/** A string option as a whole number ≥ 0 (`1_000` allowed), or `fallback` when not given. */
export function count(value: string | boolean | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  const n = Number(String(value).replace(/_/g, ''));
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`--${name} must be a whole number, got "${String(value)}"`);
  return n;
}

export function optional(value: string | boolean | undefined, name: string): number | undefined {
  return value === undefined ? undefined : count(value, 0, name);
}

/** A string option, or undefined. */
export function text(value: string | boolean | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** Runs `work` for `scenario`, turning a failure into a line of the outcome (the other scenarios still run). */
export async function orFailure(scenario: string, failures: string[], work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    log(scenario, `FAILED: ${message}`);
    failures.push(`${scenario}: ${message}`);
  }
}

/**
 * The run of a family whose scenarios each answer a Markdown table: waits for a quiet machine before
 * each selected scenario, then measures it; a failure becomes a line of the outcome (the others still run).
 */
export async function eachScenario(
  selected: readonly string[],
  bench: BenchRun,
  measure: (scenario: string) => Promise<string>,
): Promise<BenchOutcome> {
  const failures: string[] = [];
  const tables: string[] = [];
  for (const scenario of selected) {
    await orFailure(scenario, failures, async () => {
      await bench.quiet(scenario);
      tables.push(await measure(scenario));
    });
  }
  return { table: tables.join('\n'), failures };
}
