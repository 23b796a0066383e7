import { Inject, Injectable, Optional } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { DomainError, type FieldError } from '../../domain/src/errors.js';
import { isProduct, PRODUCT_CODES, type Product } from '../../domain/src/products.js';
import { Clock } from '../../ledger/src/clock.js';
import type { LedgerConfig } from '../../ledger/src/config.js';
import { LEDGER_CONFIG } from '../../ledger/src/ledger.module.js';
import type { ProjectionReader } from '../../../projections/projection.js';
import { REPORTS } from './catalog.js';
import { buildLicensesOverview, type LicensesOverview, type LicensesRequest } from './licenses/licenses-overview.js';
import type { ReportContext, ReportDefinition, SeriesBody, TableBody } from './report-definition.js';
import { parseReportRequest } from './report-request.js';
import { PROJECTION_READER } from './tokens.js';

export interface RunReportOptions {
  /** Tables: every row, ignoring page and pageSize (CSV exports all pages). */
  readonly allRows?: boolean;
}

export interface ReportResult {
  readonly definition: ReportDefinition;
  readonly body: SeriesBody | TableBody;
}

/** Runs report `name` with raw parameters (query string or CLI flags, `accountId` included). */
export class RunReportQuery extends Query<ReportResult> {
  constructor(
    readonly name: string,
    readonly parameters: Readonly<Record<string, unknown>>,
    readonly options: RunReportOptions = {},
  ) {
    super();
  }
}

/** The report of that name, or NOT_FOUND naming the available ones. */
export function findReport(name: string, reports: readonly ReportDefinition[] = REPORTS): ReportDefinition {
  const definition = reports.find((r) => r.name === name);
  if (!definition) {
    const available = reports.map((r) => r.name).join(', ');
    throw new DomainError('NOT_FOUND', `report '${name}' does not exist; the reports are: ${available || 'none yet'}`, [
      { path: 'name', message: `unknown report; one of ${available || 'none yet'}` },
    ]);
  }
  return definition;
}

/** Finds a report, validates its parameters and runs it against the projections' active tables. */
@Injectable()
export class ReportsService {
  private readonly clock: Clock;
  private readonly leaseMs: number;

  constructor(
    @Optional() @Inject(PROJECTION_READER) private readonly projections?: ProjectionReader,
    @Optional() clock?: Clock,
    @Optional() @Inject(LEDGER_CONFIG) config?: LedgerConfig,
  ) {
    this.clock = clock ?? { now: () => Date.now() };
    this.leaseMs = (config?.sessionLeaseSeconds ?? 900) * 1000;
  }

  async run(name: string, parameters: Readonly<Record<string, unknown>>, options: RunReportOptions = {}): Promise<ReportResult> {
    const definition = findReport(name);
    return { definition, body: await runReport(definition, parameters, this.context(), options) };
  }

  /** The license overview (SPEC §4.7); parameters: accountId, and optionally product, orgId, asOf. */
  licenses(parameters: Readonly<Record<string, unknown>>): Promise<LicensesOverview> {
    return buildLicensesOverview(parseLicensesRequest(parameters), this.context());
  }

  private context(): ReportContext {
    if (!this.projections) throw new Error('reports need the projections: no ProjectionReader is provided in this application');
    return { now: this.clock.now(), leaseMs: this.leaseMs, projections: this.projections };
  }
}

/** Validates `parameters` for `definition` and runs it (no Nest: for tests and tools). */
export function runReport(
  definition: ReportDefinition, parameters: Readonly<Record<string, unknown>>, context: ReportContext, options: RunReportOptions = {},
): Promise<SeriesBody | TableBody> {
  const request = parseReportRequest(parameters, definition);
  return definition.run(options.allRows ? { ...request, allRows: true } : request, context);
}

/** `GET …/licenses` and `ledger licenses`: the license overview. */
export class LicensesOverviewQuery extends Query<LicensesOverview> {
  constructor(readonly parameters: Readonly<Record<string, unknown>>) {
    super();
  }
}

@QueryHandler(LicensesOverviewQuery)
export class LicensesOverviewHandler implements IQueryHandler<LicensesOverviewQuery, LicensesOverview> {
  constructor(private readonly reports: ReportsService) {}

  execute({ parameters }: LicensesOverviewQuery): Promise<LicensesOverview> {
    return this.reports.licenses(parameters);
  }
}

const LICENSES_PARAMETERS = new Set(['accountId', 'product', 'orgId', 'asOf']);

function parseLicensesRequest(parameters: Readonly<Record<string, unknown>>): LicensesRequest {
  const errors: FieldError[] = [];
  const text = (name: string): string | undefined => {
    const value = parameters[name];
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || value.length === 0 || value.length > 128) errors.push({ path: name, message: 'must be a text of 1 to 128 characters' });
    return typeof value === 'string' ? value : undefined;
  };
  for (const name of Object.keys(parameters)) {
    if (!LICENSES_PARAMETERS.has(name)) errors.push({ path: name, message: 'is not a parameter of the licenses overview (accountId, product, orgId, asOf)' });
  }
  const accountId = text('accountId');
  if (accountId === undefined) errors.push({ path: 'accountId', message: 'is required' });
  const product = text('product');
  if (product !== undefined && !isProduct(product)) errors.push({ path: 'product', message: `must be one of ${PRODUCT_CODES.join(', ')}` });
  const orgId = text('orgId');
  const asOf = text('asOf');
  if (asOf !== undefined && Number.isNaN(Date.parse(asOf))) errors.push({ path: 'asOf', message: 'must be an ISO-8601 instant' });
  if (errors.length > 0) {
    throw new DomainError('VALIDATION_FAILED', errors.map((e) => `${e.path}: ${e.message}`).join('; '), errors);
  }
  return { accountId: accountId!, product: product as Product | undefined, orgId, asOf };
}

@QueryHandler(RunReportQuery)
export class RunReportHandler implements IQueryHandler<RunReportQuery, ReportResult> {
  constructor(private readonly reports: ReportsService) {}

  execute({ name, parameters, options }: RunReportQuery): Promise<ReportResult> {
    return this.reports.run(name, parameters, options);
  }
}
