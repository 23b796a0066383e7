import { Command, Option } from 'commander';
import { DomainError } from '../../../libs/domain/src/errors.js';
import { toCsv } from '../../../libs/reports/src/csv.js';
import { REPORTS } from '../../../libs/reports/src/catalog.js';
import type { ReportResult, RunReportOptions } from '../../../libs/reports/src/reports.service.js';
import { answer, formatOption, optionValues, requiredOption } from './command-kit.js';
import { EXIT } from './exit-codes.js';
import type { Output } from './output.js';
import { reportTable } from './text-table.js';

/** Runs a report by name with raw parameters; the Nest-free seam the command is tested through. */
export type ReportRunner = (name: string, parameters: Record<string, unknown>, options: RunReportOptions) => Promise<ReportResult>;

/** The capacity answers' own parameters (SPEC §8), kebab-case; explain takes them too. */
export const CAPACITY_OPTIONS: readonly (readonly [flag: string, parameter: string, meaning: string])[] = [
  ['--quantity <n>', 'quantity', "what-if: the account's purchased quantity under the hypothesis"],
  ['--dedications <list>', 'dedications', 'what-if: orgId:quantity,… dedicated under the hypothesis (absolute)'],
  [
    '--denied-duration <seconds>',
    'deniedDuration',
    "what-if: seconds a denied attempt demands (default: the median of the window's accepted sessions)",
  ],
  ['--idle-days <n>', 'idleDays', 'reclaim-backtest: days without activity after which a seat is reclaimed'],
  ['--min-idle-days <n>', 'minIdleDays', 'idle-seats: only seats idle at least this many days'],
  ['--retry-window <seconds>', 'retryWindow', "denials: an attempt this soon after the user's counted denial is folded into it (default 600)"],
  ['--metric <name>', 'metric', 'forecast: assigned (seat products), peakUsage (session products) or peakActiveApplications (TRUETEST)'],
  ['--history <n>', 'history', 'forecast: past buckets the trend is fitted to (default 12)'],
  ['--horizon <n>', 'horizon', 'forecast: buckets projected ahead (default 6)'],
];

/** CLI option → report parameter, with its meaning for `--help`. */
const OPTIONS: readonly (readonly [flag: string, parameter: string, meaning: string])[] = [
  ['--account <id>', 'accountId', 'the account'],
  ['--product <code>', 'product', 'the product, e.g. KSE, KRE, TRUETEST'],
  ['--org <id>', 'orgId', 'that organization and its descendants (default: the whole account)'],
  ['--from <date>', 'from', 'first local date of the window, YYYY-MM-DD (bucket series)'],
  ['--to <date>', 'to', 'last local date of the window, inclusive (bucket series)'],
  ['--interval <interval>', 'interval', 'bucket size: hour, day, week or month (bucket series)'],
  ['--group-by <org>', 'groupBy', 'org: one series per direct child organization (seat-usage)'],
  ['--q <text>', 'q', 'case-insensitive text to find in names, emails, ids (tables)'],
  ['--license-source <source>', 'licenseSource', 'rows drawn from this scope: an orgId or "account" (tables)'],
  ['--status <status>', 'status', 'sessions: active, ended or expired'],
  ['--sort <column>', 'sort', 'sort column, -column for descending (tables)'],
  ['--page <n>', 'page', 'page number, from 1 (tables)'],
  ['--page-size <n>', 'pageSize', 'rows a page, at most 1000 (tables; default 50)'],
  [
    '--as-of <instant>',
    'asOf',
    'ISO-8601 instant: the report as the ledger stood then, replayed from the events (seat-history, assignments, idle-seats)',
  ],
  ...CAPACITY_OPTIONS,
];

/** CLI option name (`--page-size`) of each report parameter (`pageSize`), for error messages. */
export const FLAG_OF: Readonly<Record<string, string>> = Object.fromEntries(OPTIONS.map(([flag, parameter]) => [parameter, flag.split(' ')[0]]));

export type ReportFormat = 'json' | 'csv' | 'table';

/** Adds the report options to `command`; `parametersOf` reads them back as report parameters. */
export function withReportOptions(command: Command): Command {
  for (const [flag, , meaning] of OPTIONS)
    command.addOption(flag.startsWith('--account') ? requiredOption(flag, meaning) : new Option(flag, meaning));
  return command;
}

/** The report parameters given as options (`accountId`, `pageSize`…), by their report names. */
export function parametersOf(command: Command): Record<string, string> {
  return optionValues(command, OPTIONS);
}

/**
 * `ledger report NAME …`: prints the body as JSON, CSV (every page) or a table for a terminal. Bad
 * options or parameters → the reasons on stderr, by option, exit 2; an unknown account or
 * organization → exit 1.
 */
export function reportCommand(out: Output, run: ReportRunner): Command {
  const command = withReportOptions(
    new Command('report')
      .summary('print a report (SPEC §4): the body of GET /v1/accounts/ID/reports/NAME')
      .description('Print a report: the same body as GET /v1/accounts/ID/reports/NAME, as JSON (default), CSV (every page) or a table.')
      .argument('<NAME>', `the report: ${REPORTS.map((r) => r.name).join(', ')}`),
  )
    .addOption(formatOption(['json', 'csv', 'table'], 'json: the HTTP body; csv: every row, RFC 4180; table: for reading on a terminal'))
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  ledger report seat-history --account acme --product KSE --from 2026-01-01 --to 2026-02-28 --interval month\n' +
        '  ledger report assignments --account acme --product KSE --sort=-lastAssignment --format table\n',
    );
  return answer(command, async (self) => {
    const format = self.opts<{ format: ReportFormat }>().format;
    const name = self.processedArgs[0] as string;
    try {
      const { definition, body } = await run(name, parametersOf(self), { allRows: format === 'csv' });
      out.stdout.write(
        format === 'csv' ? toCsv(body, definition) : format === 'table' ? reportTable(body, definition) : `${JSON.stringify(body, null, 2)}\n`,
      );
      return EXIT.OK;
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      return printDomainError('ledger report', error, out);
    }
  });
}

/** `ledger report: CODE: message` and a line per bad field, by option; exit 2 for bad parameters, else 1. */
export function printDomainError(prefix: string, error: DomainError, out: Output): number {
  out.stderr.write(`${prefix}: ${error.code}: ${error.message}\n`);
  for (const e of error.errors) out.stderr.write(`  ${FLAG_OF[e.path] ?? e.path}: ${e.message}\n`);
  const usage = error.code === 'VALIDATION_FAILED' || error.errors.some((e) => e.path === 'name');
  return usage ? EXIT.INVALID_INPUT : EXIT.FAILURE;
}
