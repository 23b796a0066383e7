import { Command, Option } from 'commander';
import { DomainError } from '../../../libs/domain/src/errors.js';
import { UsageError, answer, formatOption, optionValues, requiredOption } from './command-kit.js';
import { EXIT } from './exit-codes.js';
import type { Output } from './output.js';
import { CAPACITY_OPTIONS } from './report-command.js';

/** Runs an explanation with raw parameters; the Nest-free seam the command is tested through. */
export interface Explainer {
  report(name: string, parameters: Record<string, string>): Promise<unknown>;
  licenses(parameters: Record<string, string>): Promise<unknown>;
}

/** CLI option → parameter, with its meaning and whether it applies to a report, to licenses, or both. */
const OPTIONS: readonly (readonly [flag: string, parameter: string, meaning: string, of: 'report' | 'licenses' | 'both'])[] = [
  ['--account <id>', 'accountId', 'the account', 'both'],
  ['--product <code>', 'product', 'the product', 'both'],
  ['--org <id>', 'orgId', 'the organization the report was filtered by (reports)', 'report'],
  ['--from <date>', 'from', 'first local date of the report window, YYYY-MM-DD (reports)', 'report'],
  ['--to <date>', 'to', 'last local date of the report window, inclusive (reports)', 'report'],
  ['--interval <interval>', 'interval', 'hour, day, week or month (reports)', 'report'],
  ['--bucket <start>', 'bucket', 'the start of the bucket, as the report prints it (reports)', 'report'],
  ['--scope <scope>', 'scope', '"account" or the id of an organization with a dedication (licenses)', 'licenses'],
  ['--metric <metric>', 'metric', "the figure to explain, one of the report's metrics", 'both'],
  ['--as-of <instant>', 'asOf', 'ISO-8601 instant: as the ledger stood then (licenses)', 'licenses'],
  // The capacity series' own parameters (--metric is explain's: the bucket figure; idle-seats is a table).
  ...CAPACITY_OPTIONS.filter(([, parameter]) => parameter !== 'metric' && parameter !== 'minIdleDays').map(
    ([flag, parameter, meaning]) => [flag, parameter, meaning, 'report'] as const,
  ),
];
const FLAG_OF: Record<string, string> = Object.fromEntries(OPTIONS.map(([flag, parameter]) => [parameter, flag.split(' ')[0]!]));

/** `explain NAME` options → the parameters; an option of the other kind (e.g. --scope for a report) is a usage error. */
export function explainParameters(name: string, command: Command): Record<string, string> {
  const kind = name === 'licenses' ? 'licenses' : 'report';
  const parameters = optionValues(command, OPTIONS);
  for (const [flag, parameter, , of] of OPTIONS) {
    if (parameters[parameter] !== undefined && of !== 'both' && of !== kind) {
      throw new UsageError(
        `${flag.split(' ')[0]} is an option of explain ${of === 'licenses' ? 'licenses' : 'NAME (a report)'}, not of explain ${name}`,
      );
    }
  }
  return parameters;
}

/**
 * `ledger explain NAME …` / `ledger explain licenses …`: prints the explanation as JSON. Bad options
 * or parameters → the reasons on stderr, by option, exit 2; an unknown account or organization → exit 1.
 */
export function explainCommand(out: Output, explainer: Explainer): Command {
  const command = new Command('explain')
    .summary('print the events behind one number of a report or of the license overview')
    .description(
      'Print the events behind one number: of a report (GET /v1/accounts/ID/reports/NAME/explain), ' +
        'or with NAME "licenses", of one pool figure of the license overview (GET /v1/accounts/ID/licenses/explain).',
    )
    .argument('<NAME>', 'seat-history, seat-usage, session-usage, aut-usage, what-if, reclaim-backtest, denials, forecast, or licenses');
  for (const [flag, , meaning] of OPTIONS)
    command.addOption(flag.startsWith('--account') ? requiredOption(flag, meaning) : new Option(flag, meaning));
  command
    .addOption(formatOption(['json']))
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  ledger explain session-usage --account acme --product KRE --from 2026-03-02 --to 2026-03-02 --interval day \\\n' +
        '    --bucket 2026-03-02T00:00:00.000-05:00 --metric peakUsage\n' +
        '  ledger explain what-if --account acme --product KRE --from 2026-03-02 --to 2026-03-02 --interval day --quantity 3 \\\n' +
        '    --bucket 2026-03-02T00:00:00.000-05:00 --metric denied\n' +
        '  ledger explain licenses --account acme --product KSE --scope qa --metric available\n',
    );
  return answer(command, async (self) => {
    const name = self.processedArgs[0] as string;
    const parameters = explainParameters(name, self);
    try {
      const body = name === 'licenses' ? await explainer.licenses(parameters) : await explainer.report(name, parameters);
      out.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
      return EXIT.OK;
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      out.stderr.write(`ledger explain: ${error.code}: ${error.message}\n`);
      for (const e of error.errors) out.stderr.write(`  ${FLAG_OF[e.path] ?? e.path}: ${e.message}\n`);
      return error.code === 'VALIDATION_FAILED' ? EXIT.INVALID_INPUT : EXIT.FAILURE;
    }
  });
}
