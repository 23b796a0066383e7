import type { INestApplicationContext } from '@nestjs/common';
import { Command } from 'commander';
import { comparePositions, type EventStore, type LogPosition } from '../../../libs/event-store/src/event-store.js';
import { projectorPartitions as projectorPartitionsOf, type LedgerConfig } from '../../../libs/platform/src/config.js';
import { EVENT_STORE } from '../../../libs/platform/src/tokens.js';
import { ProjectionsBehindError, UnknownProjectionError } from '../../../projections/engine/errors.js';
import { ProjectionEngine, type RebuildResult } from '../../../projections/engine/projection-engine.js';
import type { ProjectionStatus } from '../../../projections/engine/projection-status.js';
import { EXIT } from './exit-codes.js';
import { answer, formatOption, UsageError } from './command-kit.js';
import type { LedgerAccess } from './ledger-access.js';
import { withLedger } from './ledger-context.js';
import type { Output } from './output.js';
import { RebuildProgressPrinter } from './rebuild-progress-printer.js';
import { describeStore } from './serve-command.js';
import { textTable } from './text-table.js';

/** An import waits for the projections; it gives up only when none of them moved for this long. */
const CATCH_UP_STALL_MS = 60_000;

/** `ledger projections status|rebuild [NAME]|run`. */
export function projectionsCommand(out: Output, ledger: () => LedgerAccess): Command {
  const projections = new Command('projections')
    .summary('status, rebuild or run the projections (the read models behind the reports)')
    .description('The projections fold the log into the tables reports read.');
  answer(
    projections
      .command('status')
      .description('Each projection: version, generation, position, lag, events folded, rules.')
      .addOption(formatOption(['table', 'json'], 'table: for reading; json: the body of GET /v1/projections')),
    async (self) => {
      const { format } = self.opts<{ format: 'table' | 'json' }>();
      return ledger().open(({ context }) => printStatus(context.get(ProjectionEngine), format, out));
    },
  );
  answer(
    projections
      .command('rebuild')
      .description(
        'Replay the whole log into new tables while the old ones serve, then switch. ' +
          'Without NAME, every projection, in one pass over the log. Progress (percentage, ETA) on stderr.',
      )
      .argument('[NAME]', 'the projection (ledger projections status lists them); default: all'),
    async (self) => {
      const name = self.processedArgs[0] as string | undefined;
      return ledger().open(({ context }) => {
        const engine = context.get(ProjectionEngine);
        return name === undefined ? rebuildAll(engine, out) : rebuildProjection(engine, name, out);
      });
    },
  );
  answer(
    projections
      .command('run')
      .description('Run the projections alone, without the HTTP API, until SIGINT or SIGTERM (PostgreSQL: beside `ledger serve --no-projections`).')
      .option(
        '--partitions <N>',
        'split the projections that fold account by account into N partitions, shared with the other projector processes ' +
          '(PostgreSQL; default PROJECTOR_PARTITIONS, else 1: not split)',
      ),
    async (self) => {
      const { partitions } = self.opts<{ partitions?: string }>();
      const config = ledger().config;
      const projectorPartitions = partitions === undefined ? config.projectorPartitions : partitionsOption(partitions, config);
      return runProjector({ ...config, projectorPartitions }, out, untilStopSignal());
    },
  );
  return projections;
}

/** The status of each projection as a table, or as the JSON body of GET /v1/projections. */
export async function printStatus(engine: ProjectionEngine, format: 'table' | 'json', out: Output): Promise<number> {
  const projections = await engine.status();
  out.stdout.write(format === 'json' ? `${JSON.stringify({ projections }, null, 2)}\n` : statusTable(projections));
  return EXIT.OK;
}

/** Rebuilds NAME with a progress line on stderr; the outcome on stdout. */
export async function rebuildProjection(engine: ProjectionEngine, name: string, out: Output): Promise<number> {
  if (!engine.names.includes(name)) {
    out.stderr.write(`ledger projections rebuild: ${new UnknownProjectionError(name, engine.names).message}\n`);
    return EXIT.INVALID_INPUT;
  }
  const progress = new RebuildProgressPrinter(out.stderr);
  const result = await engine.rebuild(name, {
    onProgress: (p) => progress.update(p),
    onSwitched: (generation, retired) => {
      progress.finish();
      if (retired !== null)
        out.stderr.write(`generation ${generation} is active; dropping generation ${retired} once reports still reading it are done…\n`);
    },
  });
  progress.finish();
  return printOutcome(result, out);
}

/**
 * Rebuilds every projection (SPEC §6 `projections rebuild` with no name) in one pass over the log:
 * one progress line for the pass on stderr, each projection's outcome on stdout.
 */
export async function rebuildAll(engine: ProjectionEngine, out: Output): Promise<number> {
  const progress = new RebuildProgressPrinter(out.stderr);
  const results = await engine.rebuildTogether(engine.names, {
    onProgress: (p) => progress.update(p),
    onSwitched: (generation, retired, name) => {
      progress.finish();
      if (retired !== null)
        out.stderr.write(`${name}: generation ${generation} is active; dropping generation ${retired} once reports still reading it are done…\n`);
    },
  });
  progress.finish();
  const failed = results.filter((result) => printOutcome(result, out) !== EXIT.OK);
  if (failed.length > 0) return EXIT.FAILURE;
  out.stdout.write(`rebuilt ${results.length} projection(s)\n`);
  return EXIT.OK;
}

/** `sessions: generation 3 active, generation 2 dropped (12.3 s)` on stdout, or why it did not switch on stderr. */
function printOutcome(result: RebuildResult, out: Output): number {
  const { name, generation, outcome, retired, seconds } = result;
  if (outcome !== 'switched') {
    out.stderr.write(
      `ledger projections rebuild: generation ${generation} of ${name} was ${outcome === 'stopped' ? 'interrupted (rebuild again to resume it)' : 'switched or discarded by another process meanwhile'}\n`,
    );
    return EXIT.FAILURE;
  }
  const dropped = retired === null ? '' : `, generation ${retired} dropped`;
  out.stdout.write(`${name}: generation ${generation} active${dropped} (${seconds.toFixed(1)} s)\n`);
  return EXIT.OK;
}

/** `ledger projections run`: the projections without the HTTP API, until `stopped` resolves. */
export async function runProjector(config: LedgerConfig, out: Output, stopped: Promise<void>): Promise<number> {
  return withLedger(
    config,
    async (_gateway, context) => {
      const names = context.get(ProjectionEngine).names;
      const shared = (config.projectorPartitions ?? 1) > 1 ? `; sharing them in ${config.projectorPartitions} partitions` : '';
      out.stderr.write(`running projections ${names.length === 0 ? '(none registered)' : names.join(', ')}; ${describeStore(config)}${shared}\n`);
      await stopped;
      return EXIT.OK;
    },
    { runProjections: true, logLevels: ['log', 'warn', 'error'] },
  );
}

/**
 * For `ledger import`: resolves once every projection has folded what the import appended (and
 * whatever was in the log before). Fails only when the projections stop moving.
 */
export async function waitForProjections(context: INestApplicationContext, appended: LogPosition | null, out: Output): Promise<void> {
  const head = await context.get<EventStore>(EVENT_STORE).headPosition();
  const target = comparePositions(appended, head) >= 0 ? appended : head;
  const engine = context.get(ProjectionEngine);
  const notice = setTimeout(() => out.stderr.write('waiting for the projections to catch up…\n'), 1_000);
  try {
    for (let previous: string | undefined; ;) {
      try {
        return await engine.waitForPosition(target, CATCH_UP_STALL_MS);
      } catch (error) {
        if (!(error instanceof ProjectionsBehindError)) throw error;
        const positions = JSON.stringify(error.behind.map((p) => p.position));
        if (positions === previous) throw error;
        previous = positions;
        out.stderr.write(`still waiting for ${error.behind.map((p) => `${p.name} (at ${p.position ?? 'the start'})`).join(', ')}\n`);
      }
    }
  } finally {
    clearTimeout(notice);
  }
}

function statusTable(projections: readonly ProjectionStatus[]): string {
  if (projections.length === 0) return 'no projections are registered\n';
  return textTable(
    ['NAME', 'VERSION', 'GENERATION', 'STATUS', 'POSITION', 'LAG EVENTS', 'LAG S', 'FOLDED', 'UPDATED', 'RULES', 'LAST ERROR'],
    projections.map((p) => [
      p.name,
      String(p.version),
      p.generation === null ? '-' : `${p.generation} (v${p.generationVersion})`,
      p.status,
      p.position ?? '-',
      String(p.lagEvents),
      String(p.lagSeconds),
      String(p.eventsFolded),
      p.updatedAt ?? '-',
      rulesCell(p.rules),
      p.lastError ?? '',
    ]),
  );
}

/** `--partitions N`, by the rule of PROJECTOR_PARTITIONS; a bad value is a usage error (exit 2). */
function partitionsOption(value: string, config: LedgerConfig): number | undefined {
  try {
    return projectorPartitionsOf(value, '--partitions', config.databaseUrl);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

function untilStopSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/** `activityActions=run-test,edit-script leaseMs=900000`; `all` for a rule left unset; `-` for none. */
function rulesCell(rules: ProjectionStatus['rules']): string {
  const cells = Object.entries(rules).map(
    ([name, value]) => `${name}=${value === null ? 'all' : Array.isArray(value) ? value.join(',') : String(value)}`,
  );
  return cells.length === 0 ? '-' : cells.join(' ');
}
