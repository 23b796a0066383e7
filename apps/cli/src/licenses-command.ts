import { parseArgs } from 'node:util';
import { DomainError } from '../../../libs/domain/src/errors.js';
import type { LicensesOverview } from '../../../libs/reports/src/licenses/licenses-overview.js';
import { EXIT } from './exit-codes.js';
import type { Output } from './output.js';

export const LICENSES_USAGE = 'licenses --account ID [--product P] [--org ID] [--as-of INSTANT]\n'
  + '                       Print the license overview (the same body as GET /v1/accounts/ID/licenses)';

const FLAGS = { account: 'accountId', product: 'product', org: 'orgId', 'as-of': 'asOf' } as const;

/** `ledger licenses …`: the overview as JSON. Bad flags → exit 2; an unknown account or org → exit 1. */
export async function licensesCommand(
  args: readonly string[], out: Output, overview: (parameters: Record<string, string>) => Promise<LicensesOverview>,
): Promise<number> {
  const parameters: Record<string, string> = {};
  try {
    const options = Object.fromEntries(Object.keys(FLAGS).map((flag) => [flag, { type: 'string' as const }]));
    const { values } = parseArgs({ args: [...args], options, strict: true });
    for (const [flag, parameter] of Object.entries(FLAGS)) {
      const value = values[flag];
      if (typeof value === 'string') parameters[parameter] = value;
    }
    if (parameters.accountId === undefined) throw new Error('--account ID is required');
  } catch (error) {
    out.stderr.write(`ledger licenses: ${(error as Error).message}\nUsage: ledger ${LICENSES_USAGE}\n`);
    return EXIT.INVALID_INPUT;
  }
  try {
    out.stdout.write(`${JSON.stringify(await overview(parameters), null, 2)}\n`);
    return EXIT.OK;
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    out.stderr.write(`ledger licenses: ${error.code}: ${error.message}\n`);
    return error.code === 'VALIDATION_FAILED' ? EXIT.INVALID_INPUT : EXIT.FAILURE;
  }
}
