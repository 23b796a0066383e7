import { Command } from 'commander';
import { DomainError } from '../../../libs/domain/src/errors.js';
import type { LicensesOverview } from '../../../libs/reports/src/licenses/licenses-overview.js';
import { answer, requiredOption } from './command-kit.js';
import { EXIT } from './exit-codes.js';
import type { Output } from './output.js';

/**
 * `ledger licenses …`: the license overview (SPEC §4.7) as JSON. Bad options → exit 2; an unknown
 * account or org → exit 1.
 */
export function licensesCommand(out: Output, overview: (parameters: Record<string, string>) => Promise<LicensesOverview>): Command {
  const command = new Command('licenses')
    .summary('print the license overview: the body of GET /v1/accounts/ID/licenses')
    .description('Print the license overview (SPEC §4.7): purchased, dedicated, pool, used, available and offline per scope, per product.')
    .addOption(requiredOption('--account <id>', 'the account'))
    .option('--product <code>', 'one product only, e.g. KSE')
    .option('--org <id>', 'that organization and its descendants')
    .option('--as-of <instant>', 'ISO-8601 instant: as the ledger stood then, replayed from the events');
  return answer(command, async (self) => {
    const { account, product, org, asOf } = self.opts<{ account: string; product?: string; org?: string; asOf?: string }>();
    const parameters: Record<string, string> = { accountId: account };
    if (product !== undefined) parameters.product = product;
    if (org !== undefined) parameters.orgId = org;
    if (asOf !== undefined) parameters.asOf = asOf;
    try {
      out.stdout.write(`${JSON.stringify(await overview(parameters), null, 2)}\n`);
      return EXIT.OK;
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      out.stderr.write(`ledger licenses: ${error.code}: ${error.message}\n`);
      return error.code === 'VALIDATION_FAILED' ? EXIT.INVALID_INPUT : EXIT.FAILURE;
    }
  });
}
