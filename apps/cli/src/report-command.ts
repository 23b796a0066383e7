import { Module, type DynamicModule, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { QueryBus } from '@nestjs/cqrs';
import { parseArgs } from 'node:util';
import { DomainError } from '../../../libs/domain/src/errors.js';
import type { Clock } from '../../../libs/platform/src/clock.js';
import type { LedgerConfig } from '../../../libs/platform/src/config.js';
import { LedgerModule } from '../../../libs/ledger/src/ledger.module.js';
import { toCsv } from '../../../libs/reports/src/csv.js';
import { ReportsModule } from '../../../libs/reports/src/reports.module.js';
import { RunReportQuery, type ReportResult, type RunReportOptions } from '../../../libs/reports/src/reports.service.js';
import { EXIT } from './exit-codes.js';
import type { Output } from './output.js';
import { StderrLogger } from './stderr-logger.js';

export const REPORT_USAGE = 'report NAME --account ID [--product P] [--org ID] [--from D --to D --interval I] [--group-by org] '
  + '[--q TEXT] [--license-source S] [--status S] [--sort S|--sort=-S] [--page N --page-size N] [--format json|csv] [--as-of INSTANT]\n'
  + '                       Print a report (the same body as GET /v1/accounts/ID/reports/NAME)';

/** Runs a report by name with raw parameters; the Nest-free seam the command is tested through. */
export type ReportRunner = (name: string, parameters: Record<string, unknown>, options: RunReportOptions) => Promise<ReportResult>;

/** CLI flag → report parameter. */
const FLAGS = {
  account: 'accountId',
  product: 'product',
  org: 'orgId',
  from: 'from',
  to: 'to',
  interval: 'interval',
  'group-by': 'groupBy',
  q: 'q',
  'license-source': 'licenseSource',
  status: 'status',
  sort: 'sort',
  page: 'page',
  'page-size': 'pageSize',
  'as-of': 'asOf',
} as const;
const FLAG_OF: Record<string, string> = Object.fromEntries(Object.entries(FLAGS).map(([flag, parameter]) => [parameter, `--${flag}`]));

export class ReportUsageError extends Error {}

export interface ReportArguments {
  readonly name: string;
  readonly parameters: Record<string, string>;
  readonly format: 'json' | 'csv';
}

/** `NAME --flag value …` → the report's name, its parameters and the output format. */
export function parseReportArguments(args: readonly string[]): ReportArguments {
  const options = Object.fromEntries([...Object.keys(FLAGS), 'format'].map((flag) => [flag, { type: 'string' as const }]));
  const { values, positionals } = parseArgs({ args: [...args], allowPositionals: true, options, strict: true });
  if (positionals.length !== 1) {
    throw new ReportUsageError(positionals.length === 0 ? 'expected NAME (the report)' : `unexpected argument '${positionals[1]}'`);
  }
  const format = values.format ?? 'json';
  if (format !== 'json' && format !== 'csv') throw new ReportUsageError(`--format must be json or csv, got '${String(format)}'`);
  if (values.account === undefined) throw new ReportUsageError('--account ID is required');
  const parameters: Record<string, string> = {};
  for (const [flag, parameter] of Object.entries(FLAGS)) {
    const value = values[flag];
    if (typeof value === 'string') parameters[parameter] = value;
  }
  return { name: positionals[0]!, parameters, format };
}

/**
 * `ledger report NAME …`: prints the body as JSON (or CSV, every page). Bad flags or parameters →
 * the reasons on stderr, exit 2; an unknown account or organization → exit 1.
 */
export async function reportCommand(args: readonly string[], out: Output, run: ReportRunner): Promise<number> {
  let parsed: ReportArguments;
  try {
    parsed = parseReportArguments(args);
  } catch (error) {
    out.stderr.write(`ledger report: ${(error as Error).message}\nUsage: ledger ${REPORT_USAGE}\n`);
    return EXIT.INVALID_INPUT;
  }
  try {
    const { definition, body } = await run(parsed.name, parsed.parameters, { allRows: parsed.format === 'csv' });
    out.stdout.write(parsed.format === 'csv' ? toCsv(body, definition) : `${JSON.stringify(body, null, 2)}\n`);
    return EXIT.OK;
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    out.stderr.write(`ledger report: ${error.code}: ${error.message}\n`);
    for (const e of error.errors) out.stderr.write(`  ${FLAG_OF[e.path] ?? e.path}: ${e.message}\n`);
    const usage = error.code === 'VALIDATION_FAILED' || error.errors.some((e) => e.path === 'name');
    return usage ? EXIT.INVALID_INPUT : EXIT.FAILURE;
  }
}

/**
 * Runs `work` with a ReportRunner on the configured ledger (no HTTP server), then closes it.
 * `modules` are added to the application: the projections module providing the ProjectionReader
 * (PROJECTION_READER) belongs there.
 */
export function withReports<T>(
  config: LedgerConfig, work: (run: ReportRunner) => Promise<T>, modules: readonly DynamicModule[] = [],
): Promise<T> {
  return withQueryBus(config, (queries) => work((name, parameters, options) => queries.execute(new RunReportQuery(name, parameters, options))), modules);
}

/**
 * Runs `work` with the QueryBus of the reports on the configured ledger (no HTTP server), then closes
 * it. `clock` fixes the reports' now (default: the wall clock).
 */
export async function withQueryBus<T>(
  config: LedgerConfig, work: (queries: QueryBus, context: INestApplicationContext) => Promise<T>, modules: readonly DynamicModule[] = [],
  options: { clock?: Clock } = {},
): Promise<T> {
  @Module({ imports: [LedgerModule.forRoot(config, options), ReportsModule, ...modules] })
  class ReportCliModule {}

  const context = await NestFactory.createApplicationContext(ReportCliModule, {
    logger: new StderrLogger({ logLevels: ['error', 'warn'] }),
    abortOnError: false,
  });
  try {
    return await work(context.get(QueryBus), context);
  } finally {
    await context.close();
  }
}
