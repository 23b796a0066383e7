import { parseArgs } from 'node:util';
import { loadConfig } from '../../../libs/platform/src/config.js';
import { ALL_PROJECTIONS } from '../../../projections/catalog.js';
import { ProjectionNotReadyError } from '../../../projections/engine/errors.js';
import { ProjectionsModule } from '../../../projections/projections.module.js';
import { EVENT_STORE } from '../../../libs/platform/src/tokens.js';
import { DEMO_USAGE, demoCommand } from './demo-command.js';
import { EVENTS_USAGE, eventsCommand } from './events-command.js';
import { EXIT } from './exit-codes.js';
import { EXPLAIN_USAGE, explainCommand } from './explain-command.js';
import { isParseArgsError } from './parse-args-error.js';
import { importFile } from './import-command.js';
import { KEYS_USAGE, keysCommand, keyStoreOf } from './keys-command.js';
import { withLedger } from './ledger-context.js';
import { processOutput, type Output } from './output.js';
import { PROJECTIONS_USAGE, projectionsCommand, waitForProjections } from './projections-command.js';
import { LICENSES_USAGE, licensesCommand } from './licenses-command.js';
import { REPORT_USAGE, reportCommand, withQueryBus, withReports } from './report-command.js';
import { LicensesOverviewQuery, RunReportQuery } from '../../../libs/reports/src/reports.service.js';
import { ExplainModule } from '../../../libs/audit/src/explain/explain.module.js';
import { ExplainLicensesQuery, ExplainReportQuery } from '../../../libs/audit/src/explain/explain.service.js';
import { readAccountEvents } from '../../../libs/audit/src/account-events.js';
import type { EventStore } from '../../../libs/event-store/src/event-store.js';
import { VERIFY_USAGE, verifyCommand } from './verify-command.js';
import { serve } from './serve-command.js';

interface Subcommand {
  readonly usage: string;
  run(args: string[], out: Output, env: NodeJS.ProcessEnv): Promise<number>;
}

class UsageError extends Error {}

const SUBCOMMANDS: Readonly<Record<string, Subcommand>> = {
  serve: {
    usage: 'serve [--no-projections]\n'
      + '                       Start the HTTP API on PORT (default 3000) and run the projections\n'
      + '                       (--no-projections: another process runs them, `ledger projections run`)',
    run: async (args, _out, env) => {
      const { flags } = parseArguments(args, [], ['no-projections']);
      return serve(loadConfig(env), { runProjections: !flags.has('no-projections') });
    },
  },
  import: {
    usage: 'import FILE.ndjson [--no-wait]\n'
      + '                       Validate every line, then apply them in order; print a JSON summary\n'
      + '                       once the projections have caught up (--no-wait: at once)',
    run: async (args, out, env) => {
      const { values: [file], flags } = parseArguments(args, ['FILE.ndjson'], ['no-wait']);
      const wait = !flags.has('no-wait');
      return withLedger(loadConfig(env), (gateway, context) => importFile(file, gateway, out, {
        waitForProjections: wait ? (appended) => waitForProjections(context, appended, out) : undefined,
      }), { runProjections: wait });
    },
  },
  report: {
    usage: REPORT_USAGE,
    // Flags are checked before the ledger is opened.
    run: (args, out, env) => reportCommand(args, out, (name, parameters, options) =>
      withReports(loadConfig(env), (run) => run(name, parameters, options), [ProjectionsModule.forRoot({ projections: ALL_PROJECTIONS, run: false })])),
  },
  licenses: {
    usage: LICENSES_USAGE,
    run: (args, out, env) => licensesCommand(args, out, (parameters) =>
      withQueryBus(loadConfig(env), (queries) => queries.execute(new LicensesOverviewQuery(parameters)),
        [ProjectionsModule.forRoot({ projections: ALL_PROJECTIONS, run: false })])),
  },
  explain: {
    usage: EXPLAIN_USAGE,
    // Flags are checked before the ledger is opened.
    run: (args, out, env) => {
      const explained = (query: ExplainReportQuery | ExplainLicensesQuery) => withQueryBus(loadConfig(env), (queries) => queries.execute(query),
        [ProjectionsModule.forRoot({ projections: ALL_PROJECTIONS, run: false }), { module: ExplainModule }]);
      return explainCommand(args, out, {
        report: (name, parameters) => explained(new ExplainReportQuery(name, parameters)),
        licenses: (parameters) => explained(new ExplainLicensesQuery(parameters)),
      });
    },
  },
  events: {
    usage: EVENTS_USAGE,
    run: (args, out, env) => eventsCommand(args, out, (work) =>
      withLedger(loadConfig(env), (_gateway, context) => work(context.get(EVENT_STORE)))),
  },
  verify: {
    usage: VERIFY_USAGE,
    // Flags are checked before the ledger is opened.
    run: (args, out, env) => verifyCommand(args, out, (work) => {
      const config = loadConfig(env);
      const now = Date.now();
      return withQueryBus(config, (queries, context) => work({
        now,
        leaseMs: config.sessionLeaseSeconds * 1000,
        activityActions: config.activityActions ?? null,
        readEvents: (accountId) => readAccountEvents(context.get<EventStore>(EVENT_STORE), accountId),
        headPosition: () => context.get<EventStore>(EVENT_STORE).headPosition(),
        projected: {
          report: async (name, parameters, options) => (await queries.execute(new RunReportQuery(name, parameters, options))).body,
          licenses: (parameters) => queries.execute(new LicensesOverviewQuery(parameters)),
        },
      }), [ProjectionsModule.forRoot({ projections: ALL_PROJECTIONS, run: false })], { clock: { now: () => now } });
    }),
  },
  projections: {
    usage: PROJECTIONS_USAGE,
    run: (args, out, env) => projectionsCommand(args, out, () => loadConfig(env)),
  },
  keys: {
    usage: KEYS_USAGE,
    // Arguments are checked before the database is opened.
    run: (args, out, env) => keysCommand(args, out, (work) => keyStoreOf(loadConfig(env))(work)),
  },
  demo: {
    usage: DEMO_USAGE,
    run: (args, out, env) => {
      const config = loadConfig(env);
      return demoCommand(args, out, config, (work) => withLedger(config, work, { runProjections: true }),
        (context, appended) => waitForProjections(context, appended, out));
    },
  },
  help: {
    usage: 'help                 Show this help',
    run: async (_args, out) => {
      out.stdout.write(usage());
      return EXIT.OK;
    },
  },
};

function usage(): string {
  return [
    'Usage: ledger <command> [arguments]',
    '',
    'Commands:',
    ...Object.values(SUBCOMMANDS).map((s) => `  ${s.usage}`),
    '',
    'Environment: EVENTSTORE_URL, DATABASE_URL, LEDGER_DATA_DIR (default ./.ledger), PORT, SESSION_LEASE_SECONDS, ACTIVITY_ACTIONS',
    'Exit codes: 0 ok; 1 failure; 2 bad usage, or malformed import lines (nothing applied); 3 some commands rejected',
    '',
  ].join('\n');
}

/** Exactly the named positional arguments, and only the given boolean flags (e.g. `no-wait` for `--no-wait`). */
function parseArguments(args: string[], names: string[], flags: readonly string[] = []): { values: string[]; flags: Set<string> } {
  const options = Object.fromEntries(flags.map((flag) => [flag, { type: 'boolean' as const }]));
  const { positionals: values, values: given } = parseArgs({ args, allowPositionals: true, options });
  if (values.length !== names.length) {
    throw new UsageError(names.length === 0 ? `unexpected argument '${values[0]}'` : `expected ${names.join(' ')}`);
  }
  return { values, flags: new Set(Object.keys(given).filter((flag) => given[flag] === true)) };
}

/** Runs `ledger <command> …` and answers its exit code. */
export async function runCli(argv: readonly string[], out: Output = processOutput, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h') return SUBCOMMANDS.help.run([], out, env);
  const subcommand = Object.hasOwn(SUBCOMMANDS, name) ? SUBCOMMANDS[name] : undefined;
  try {
    if (!subcommand) throw new UsageError(`unknown command '${name}'`);
    return await subcommand.run(args, out, env);
  } catch (error) {
    if (error instanceof UsageError || isParseArgsError(error)) {
      out.stderr.write(`ledger ${name}: ${(error as Error).message}\n\n${usage()}`);
      return EXIT.INVALID_INPUT;
    }
    const code = error instanceof ProjectionNotReadyError ? 'PROJECTION_NOT_READY: ' : '';
    out.stderr.write(`ledger ${name}: ${code}${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.FAILURE;
  }
}
