import type { INestApplicationContext } from '@nestjs/common';
import { parseArgs } from 'node:util';
import { comparePositions, type EventStore, type LogPosition } from '../../../libs/event-store/src/event-store.js';
import type { LedgerConfig } from '../../../libs/platform/src/config.js';
import { EVENT_STORE } from '../../../libs/platform/src/tokens.js';
import { ProjectionsBehindError, UnknownProjectionError } from '../../../projections/engine/errors.js';
import { ProjectionEngine } from '../../../projections/engine/projection-engine.js';
import type { ProjectionStatus } from '../../../projections/engine/projection-status.js';
import { EXIT } from './exit-codes.js';
import { isParseArgsError } from './parse-args-error.js';
import { withLedger } from './ledger-context.js';
import type { Output } from './output.js';
import { RebuildProgressPrinter } from './rebuild-progress-printer.js';
import { describeStore } from './serve-command.js';

export const PROJECTIONS_USAGE = [
  'projections status [--format table|json]',
  '                       Each projection: generation, position, lag, events folded',
  '  projections rebuild NAME',
  '                       Rebuild one into new tables while the old ones serve, then switch',
  '  projections run      Run the projections alone (no HTTP API) until SIGINT/SIGTERM',
].join('\n');

/** An import waits for the projections; it gives up only when none of them moved for this long. */
const CATCH_UP_STALL_MS = 60_000;

class ProjectionsUsageError extends Error {}

/** `ledger projections status|rebuild NAME|run`. */
export async function projectionsCommand(args: readonly string[], out: Output, config: () => LedgerConfig): Promise<number> {
  try {
    const [action, ...rest] = args;
    switch (action) {
      case 'status': {
        const format = parseFormat(rest);
        return await withLedger(config(), (_gateway, context) => printStatus(context.get(ProjectionEngine), format, out));
      }
      case 'rebuild': {
        const name = parseName(rest);
        return await withLedger(config(), (_gateway, context) => rebuildProjection(context.get(ProjectionEngine), name, out));
      }
      case 'run':
        parseNothing(rest);
        return await runProjector(config(), out, untilStopSignal());
      default:
        throw new ProjectionsUsageError(action === undefined ? 'expected status, rebuild NAME or run' : `unknown action '${action}'`);
    }
  } catch (error) {
    if (!(error instanceof ProjectionsUsageError) && !isParseArgsError(error)) throw error;
    out.stderr.write(`ledger projections: ${(error as Error).message}\nUsage: ledger ${PROJECTIONS_USAGE}\n`);
    return EXIT.INVALID_INPUT;
  }
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
      if (retired !== null) out.stderr.write(`generation ${generation} is active; dropping generation ${retired} once reports still reading it are done…\n`);
    },
  });
  progress.finish();
  if (result.outcome !== 'switched') {
    out.stderr.write(`ledger projections rebuild: generation ${result.generation} of ${name} was ${result.outcome === 'stopped' ? 'interrupted (rebuild again to resume it)' : 'switched or discarded by another process meanwhile'}\n`);
    return EXIT.FAILURE;
  }
  const dropped = result.retired === null ? '' : `, generation ${result.retired} dropped`;
  out.stdout.write(`${name}: generation ${result.generation} active${dropped} (${result.seconds.toFixed(1)} s)\n`);
  return EXIT.OK;
}

/** `ledger projections run`: the projections without the HTTP API, until `stopped` resolves. */
export async function runProjector(config: LedgerConfig, out: Output, stopped: Promise<void>): Promise<number> {
  return withLedger(config, async (_gateway, context) => {
    const names = context.get(ProjectionEngine).names;
    out.stderr.write(`running projections ${names.length === 0 ? '(none registered)' : names.join(', ')}; ${describeStore(config)}\n`);
    await stopped;
    return EXIT.OK;
  }, { runProjections: true, logLevels: ['log', 'warn', 'error'] });
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
  const header = ['NAME', 'VERSION', 'GENERATION', 'STATUS', 'POSITION', 'LAG EVENTS', 'LAG S', 'FOLDED', 'UPDATED', 'RULES', 'LAST ERROR'];
  const rows = projections.map((p) => [
    p.name, String(p.version), p.generation === null ? '-' : `${p.generation} (v${p.generationVersion})`, p.status,
    p.position ?? '-', String(p.lagEvents), String(p.lagSeconds), String(p.eventsFolded), p.updatedAt ?? '-', rulesCell(p.rules), p.lastError ?? '',
  ]);
  if (rows.length === 0) return 'no projections are registered\n';
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i].length)));
  return [header, ...rows].map((row) => row.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd()).join('\n') + '\n';
}

function parseFormat(args: readonly string[]): 'table' | 'json' {
  const { values, positionals } = parseArgs({ args: [...args], allowPositionals: true, options: { format: { type: 'string' } } });
  if (positionals.length > 0) throw new ProjectionsUsageError(`unexpected argument '${positionals[0]}'`);
  const format = values.format ?? 'table';
  if (format !== 'table' && format !== 'json') throw new ProjectionsUsageError(`--format must be table or json, got '${format}'`);
  return format;
}

function parseName(args: readonly string[]): string {
  const { positionals } = parseArgs({ args: [...args], allowPositionals: true, options: {} });
  if (positionals.length !== 1) throw new ProjectionsUsageError(positionals.length === 0 ? 'expected NAME' : `unexpected argument '${positionals[1]}'`);
  return positionals[0];
}

function parseNothing(args: readonly string[]): void {
  const { positionals } = parseArgs({ args: [...args], allowPositionals: true, options: {} });
  if (positionals.length > 0) throw new ProjectionsUsageError(`unexpected argument '${positionals[0]}'`);
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
  const cells = Object.entries(rules).map(([name, value]) =>
    `${name}=${value === null ? 'all' : Array.isArray(value) ? value.join(',') : String(value)}`);
  return cells.length === 0 ? '-' : cells.join(' ');
}
