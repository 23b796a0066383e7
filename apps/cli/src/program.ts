import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { readAccountEvents } from '../../../libs/event-store/src/account-events.js';
import { exportEventLines, readEventsPage } from '../../../libs/audit/src/events-log.js';
import { ReplayedAsOfAnswers } from '../../../libs/audit/src/as-of-answers.js';
import { ExplainLicensesQuery, ExplainReportQuery } from '../../../libs/audit/src/explain/explain.service.js';
import type { EventStore } from '../../../libs/event-store/src/event-store.js';
import type { LedgerConfig } from '../../../libs/platform/src/config.js';
import { EVENT_STORE, LEDGER_CONFIG } from '../../../libs/platform/src/tokens.js';
import { LicenseListQuery, LicensesOverviewQuery, ReportsService, RunReportQuery } from '../../../libs/reports/src/reports.service.js';
import { PROJECTION_READER } from '../../../libs/reports/src/tokens.js';
import { CAPACITY_EXPLAINED, ExplainCapacityQuery } from '../../../libs/reports/src/capacity/explain-capacity.js';
import type { INestApplicationContext } from '@nestjs/common';
import {
  AlertQuery,
  AlertRulesQuery,
  AlertsQuery,
  DeliveriesQuery,
  ExplainAlertQuery,
  WebhooksQuery,
} from '../../../libs/alerts/src/alerts.service.js';
import { parseCommand } from '../../../libs/ledger/src/validation/parse-command.js';
import type { AlertPorts } from './alert-cli-kit.js';
import { alertsCommand } from './alerts-command.js';
import { webhooksCommand } from './webhooks-command.js';
import type { RunInServer } from './beside-server.js';
import { demoCommand } from './demo-command.js';
import { eventsCommand } from './events-command.js';
import { explainCommand } from './explain-command.js';
import { importCommand, type ImportSource } from './import-command.js';
import { keysCommand } from './keys-command.js';
import type { LedgerAccess, OpenLedger } from './ledger-access.js';
import { licensesCommand } from './licenses-command.js';
import type { Output } from './output.js';
import { projectionsCommand } from './projections-command.js';
import { reportCommand } from './report-command.js';
import { serveCommand } from './serve-command.js';
import { verifyCommand } from './verify-command.js';

/** What the commands run on: where they write, and the ledger (opened on first use). */
export interface CliDependencies {
  readonly out: Output;
  readonly ledger: () => LedgerAccess;
  /** Where `ledger import` reads its file (default: the file itself). */
  readonly importSource?: ImportSource;
  /** How `ledger serve` runs the commands sent to it over its local socket. */
  readonly runInServer: (config: LedgerConfig, app: INestApplicationContext) => RunInServer;
}

/**
 * Every `ledger` command, in the order `ledger --help` lists them. A command is a function answering a
 * commander `Command` (see command-kit.ts): to add one, write `xxx-command.ts` beside the others,
 * exporting `xxxCommand(out, …ports)`, and add a line here wiring its ports to the ledger.
 */
const COMMANDS: readonly ((deps: CliDependencies) => Command)[] = [
  ({ ledger, runInServer }) => serveCommand(() => ledger().config, runInServer),
  ({ out, ledger, importSource }) => importCommand(out, ledger, importSource),
  ({ out, ledger }) =>
    reportCommand(out, (name, parameters, options) => ledger().open(({ queries }) => queries.execute(new RunReportQuery(name, parameters, options)))),
  ({ out, ledger }) =>
    licensesCommand(out, {
      overview: (parameters) => ledger().open(({ queries }) => queries.execute(new LicensesOverviewQuery(parameters))),
      list: (parameters, options) => ledger().open(({ queries }) => queries.execute(new LicenseListQuery(parameters, options))),
    }),
  ({ out, ledger }) =>
    explainCommand(out, {
      report: (name, parameters) =>
        ledger().open(({ queries }) =>
          queries.execute(CAPACITY_EXPLAINED.includes(name) ? new ExplainCapacityQuery(name, parameters) : new ExplainReportQuery(name, parameters)),
        ),
      licenses: (parameters) => ledger().open(({ queries }) => queries.execute(new ExplainLicensesQuery(parameters))),
    }),
  ({ out, ledger }) =>
    eventsCommand(out, (work) =>
      ledger().open(({ context }) => {
        const store = context.get<EventStore>(EVENT_STORE);
        return work({
          page: (request) => readEventsPage(store, request),
          export: async (request, write) => {
            for await (const line of exportEventLines(store, request)) write(line);
          },
        });
      }),
    ),
  ({ out, ledger }) =>
    verifyCommand(out, (work) =>
      ledger().open(({ context }) => {
        const now = Date.now();
        const config = context.get<LedgerConfig>(LEDGER_CONFIG);
        const store = context.get<EventStore>(EVENT_STORE);
        // The projected reports at the same fixed now as the recomputation.
        const reports = new ReportsService(context.get(PROJECTION_READER), { now: () => now }, config, new ReplayedAsOfAnswers(store, config));
        return work({
          now,
          leaseMs: config.sessionLeaseSeconds * 1000,
          activityActions: config.activityActions ?? null,
          readEvents: (accountId) => readAccountEvents(store, accountId),
          headPosition: () => store.headPosition(),
          projected: {
            report: async (name, parameters, options) => (await reports.run(name, parameters, options)).body,
            licenses: (parameters) => reports.licenses(parameters),
          },
        });
      }),
    ),
  ({ out, ledger }) => alertsCommand(out, (work) => ledger().open((open) => work(alertPorts(open)))),
  ({ out, ledger, importSource }) =>
    webhooksCommand(
      out,
      (work) => ledger().open((open) => work(alertPorts(open))),
      importSource &&
        (async (path) => {
          const chunks: Uint8Array[] = [];
          for await (const chunk of importSource(path)) chunks.push(chunk);
          return Buffer.concat(chunks).toString('utf8');
        }),
    ),
  ({ out, ledger }) => projectionsCommand(out, ledger),
  ({ out, ledger }) => keysCommand(out, (work) => ledger().keys(work)),
  ({ out, ledger }) => demoCommand(out, ledger),
];

/** Alerts and webhooks on the open ledger: commands through the gateway (as the CLI), reads on the QueryBus. */
function alertPorts({ gateway, queries }: OpenLedger): AlertPorts {
  return {
    send: (command) => gateway.execute(parseCommand(command), { actor: 'cli' }),
    rules: (accountId) => queries.execute(new AlertRulesQuery(accountId)),
    alerts: (accountId, parameters) => queries.execute(new AlertsQuery(accountId, parameters)),
    alert: (accountId, alertId) => queries.execute(new AlertQuery(accountId, alertId)),
    explain: (accountId, alertId) => queries.execute(new ExplainAlertQuery(accountId, alertId)),
    webhooks: (accountId) => queries.execute(new WebhooksQuery(accountId)),
    deliveries: (accountId, webhookId, parameters) => queries.execute(new DeliveriesQuery(accountId, webhookId, parameters)),
  };
}

/** The version in the package.json above this file (from the sources, or from the build in dist/). */
function packageVersion(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
  }
  return 'unknown';
}

/** `ledger`: every command, `--help`, `help COMMAND` and `--version`. */
export function ledgerProgram(deps: CliDependencies): Command {
  const program = new Command('ledger')
    .description('License Ledger: an event-sourced ledger of software licenses and the reports built from it.')
    .version(packageVersion(), '-V, --version', 'print the version')
    .helpCommand('help [command]', 'show the help of a command')
    .addHelpText(
      'after',
      `
Environment:
  DATABASE_URL           PostgreSQL for events and read models (unset: embedded PGlite in LEDGER_DATA_DIR)
  LEDGER_DATA_DIR        data folder of the embedded store (default ./.ledger); while \`ledger serve\` holds it,
                         report, licenses, events, explain, verify, keys, import and projections go through that server
  EVENTSTORE_URL         esdb://…: events in EventStoreDB (EVENTSTORE_STREAM_PREFIX: this ledger's streams on a shared server)
  PORT, SESSION_LEASE_SECONDS, ACTIVITY_ACTIONS, LOG_LEVEL, LOG_FORMAT, …   (docs/operations.md)

Exit codes:
  0  ok
  1  failure: the ledger answered no (unknown account…), a verify found drift, or the store is unreachable
  2  bad usage (unknown command or option, missing or bad value), or an import file with malformed lines (nothing applied)
  3  an import applied, but the ledger rejected some of its commands
`,
    );
  for (const command of COMMANDS) program.addCommand(command(deps));
  return program;
}
