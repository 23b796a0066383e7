import { Command, Option } from 'commander';
import type { LicenseListPage } from '../../../libs/contracts/src/licenses.js';
import { DomainError } from '../../../libs/domain/src/errors.js';
import { LICENSE_LISTS } from '../../../libs/report-contract/src/license-lists.js';
import { LICENSE_LIST_NAMES } from '../../../libs/report-contract/src/licenses-request.js';
import { toCsv } from '../../../libs/reports/src/csv.js';
import type { LicensesOverview } from '../../../libs/reports/src/licenses/licenses-overview.js';
import type { RunReportOptions } from '../../../libs/reports/src/reports.service.js';
import { answer, formatOption, optionValues, requiredOption } from './command-kit.js';
import { EXIT } from './exit-codes.js';
import type { Output } from './output.js';

/** What `ledger licenses` asks: the overview, or one page of one of its lists (`--list`). */
export interface LicensesAnswers {
  overview(parameters: Record<string, string>): Promise<LicensesOverview>;
  list(parameters: Record<string, string>, options: RunReportOptions): Promise<LicenseListPage>;
}

/** CLI option → parameter, with its meaning for `--help`. */
const OPTIONS: readonly (readonly [flag: string, parameter: string, meaning: string])[] = [
  ['--account <id>', 'accountId', 'the account'],
  ['--product <code>', 'product', 'one product only, e.g. KSE (required with --list)'],
  ['--org <id>', 'orgId', 'that organization and its descendants'],
  ['--as-of <instant>', 'asOf', 'ISO-8601 instant: as the ledger stood then, replayed from the events'],
  ['--list-limit <n>', 'listLimit', 'overview: only the first N rows of each list (0 to 1000), with listTotals'],
  ['--list <name>', 'list', `one list, paged: ${LICENSE_LIST_NAMES.join(', ')} (the body of GET …/licenses/PRODUCT/LIST)`],
  ['--q <text>', 'q', '--list: case-insensitive text to find in ids, names and emails'],
  ['--page <n>', 'page', '--list: page number, from 1'],
  ['--page-size <n>', 'pageSize', '--list: rows a page, at most 1000 (default 50)'],
];
const LIST_ONLY = ['q', 'page', 'pageSize'];

/**
 * `ledger licenses …`: the license overview (SPEC §4.7) as JSON; with `--list`, one page of one of
 * its lists (JSON, or CSV of every page). Bad options → exit 2; an unknown account or org → exit 1.
 */
export function licensesCommand(out: Output, answers: LicensesAnswers): Command {
  const command = new Command('licenses')
    .summary('print the license overview: the body of GET /v1/accounts/ID/licenses')
    .description(
      'Print the license overview (SPEC §4.7): purchased, dedicated, pool, used, available and offline per scope, per product; ' +
        'with --list, one page of one of its lists (GET /v1/accounts/ID/licenses/PRODUCT/LIST).',
    );
  for (const [flag, , meaning] of OPTIONS)
    command.addOption(flag.startsWith('--account') ? requiredOption(flag, meaning) : new Option(flag, meaning));
  command
    .addOption(formatOption(['json', 'csv'], 'json: the HTTP body; csv (--list only): every row of the list, RFC 4180'))
    .addHelpText('after', '\nExamples:\n  ledger licenses --account acme --product KSE --list machines --q lab --page 2\n');
  return answer(command, async (self) => {
    const { format } = self.opts<{ format: 'json' | 'csv' }>();
    const parameters = optionValues(self, OPTIONS);
    const misplaced = usageErrors(parameters, format);
    if (misplaced.length > 0) {
      for (const message of misplaced) out.stderr.write(`ledger licenses: ${message}\n`);
      return EXIT.INVALID_INPUT;
    }
    try {
      if (parameters.list === undefined) {
        out.stdout.write(`${JSON.stringify(await answers.overview(parameters), null, 2)}\n`);
        return EXIT.OK;
      }
      const page = await answers.list(parameters, { allRows: format === 'csv' });
      out.stdout.write(
        format === 'csv' ? toCsv(page, { shape: 'table', columns: LICENSE_LISTS[page.list].columns }) : `${JSON.stringify(page, null, 2)}\n`,
      );
      return EXIT.OK;
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      out.stderr.write(`ledger licenses: ${error.code}: ${error.message}\n`);
      return error.code === 'VALIDATION_FAILED' ? EXIT.INVALID_INPUT : EXIT.FAILURE;
    }
  });
}

/** Options of one form given to the other. */
function usageErrors(parameters: Record<string, string>, format: string): string[] {
  if (parameters.list !== undefined) return parameters.listLimit !== undefined ? ['--list-limit is an option of the overview, not of --list'] : [];
  const errors = LIST_ONLY.filter((p) => parameters[p] !== undefined).map((p) => `${flagOf(p)} is an option of --list, not of the overview`);
  if (format !== 'json') errors.push('--format csv needs --list (the overview is JSON)');
  return errors;
}

const flagOf = (parameter: string) => OPTIONS.find(([, p]) => p === parameter)![0].split(' ')[0];
