import { parseArgs } from 'node:util';
import { DomainError } from '../../../libs/domain/src/errors.js';
import { EXIT } from './exit-codes.js';
import type { Output } from './output.js';

export const EXPLAIN_USAGE = 'explain NAME --account ID --product P [--org ID] --from D --to D --interval I --bucket START --metric M [--format json]\n'
  + '                       The events behind one number of a report (the same body as GET /v1/accounts/ID/reports/NAME/explain)\n'
  + '  explain licenses --account ID --product P --scope S --metric M [--as-of INSTANT]\n'
  + '                       The events behind one pool figure of the license overview';

/** Runs an explanation with raw parameters; the Nest-free seam the command is tested through. */
export interface Explainer {
  report(name: string, parameters: Record<string, string>): Promise<unknown>;
  licenses(parameters: Record<string, string>): Promise<unknown>;
}

const REPORT_FLAGS = {
  account: 'accountId', product: 'product', org: 'orgId', from: 'from', to: 'to', interval: 'interval', bucket: 'bucket', metric: 'metric',
} as const;
const LICENSES_FLAGS = { account: 'accountId', product: 'product', scope: 'scope', metric: 'metric', 'as-of': 'asOf' } as const;
const FLAG_OF: Record<string, string> = Object.fromEntries(
  [...Object.entries(REPORT_FLAGS), ...Object.entries(LICENSES_FLAGS)].map(([flag, parameter]) => [parameter, `--${flag}`]),
);

class ExplainUsageError extends Error {}

interface ExplainArguments {
  readonly name: string;
  readonly parameters: Record<string, string>;
}

export function parseExplainArguments(args: readonly string[]): ExplainArguments {
  const name = args.find((a) => !a.startsWith('-'));
  const flags: Readonly<Record<string, string>> = name === 'licenses' ? LICENSES_FLAGS : REPORT_FLAGS;
  const options = Object.fromEntries([...Object.keys(flags), ...(name === 'licenses' ? [] : ['format'])].map((flag) => [flag, { type: 'string' as const }]));
  const { values, positionals } = parseArgs({ args: [...args], allowPositionals: true, options, strict: true });
  if (positionals.length !== 1) {
    throw new ExplainUsageError(positionals.length === 0 ? 'expected NAME (a report, or licenses)' : `unexpected argument '${positionals[1]}'`);
  }
  if (values.format !== undefined && values.format !== 'json') throw new ExplainUsageError(`--format must be json, got '${String(values.format)}'`);
  if (values.account === undefined) throw new ExplainUsageError('--account ID is required');
  const parameters: Record<string, string> = {};
  for (const [flag, parameter] of Object.entries(flags)) {
    const value = values[flag];
    if (typeof value === 'string') parameters[parameter] = value;
  }
  return { name: positionals[0]!, parameters };
}

/**
 * `ledger explain NAME …` / `ledger explain licenses …`: prints the explanation as JSON. Bad flags
 * or parameters → the reasons on stderr, by flag, exit 2; an unknown account or organization → exit 1.
 */
export async function explainCommand(args: readonly string[], out: Output, explainer: Explainer): Promise<number> {
  let parsed: ExplainArguments;
  try {
    parsed = parseExplainArguments(args);
  } catch (error) {
    out.stderr.write(`ledger explain: ${(error as Error).message}\nUsage: ledger ${EXPLAIN_USAGE}\n`);
    return EXIT.INVALID_INPUT;
  }
  try {
    const body = parsed.name === 'licenses' ? await explainer.licenses(parsed.parameters) : await explainer.report(parsed.name, parsed.parameters);
    out.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
    return EXIT.OK;
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    out.stderr.write(`ledger explain: ${error.code}: ${error.message}\n`);
    for (const e of error.errors) out.stderr.write(`  ${FLAG_OF[e.path] ?? e.path}: ${e.message}\n`);
    return error.code === 'VALIDATION_FAILED' ? EXIT.INVALID_INPUT : EXIT.FAILURE;
  }
}
