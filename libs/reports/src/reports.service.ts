import type { ActivityActions } from '../../domain/src/activity-rules.js';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { DomainError, type FieldError } from '../../domain/src/errors.js';
import { isProduct, PRODUCT_CODES, type Product } from '../../domain/src/products.js';
import { Clock } from '../../platform/src/clock.js';
import type { LedgerConfig } from '../../platform/src/config.js';
import { EVENT_STORE, LEDGER_CONFIG } from '../../platform/src/tokens.js';
import type { EventStore } from '../../event-store/src/event-store.js';
import type { StoredLedgerEvent } from '../../event-store/src/stored-ledger-event.js';
import { replayAsOf } from '../../audit/src/as-of.js';
import { REPLAYED_REPORTS } from '../../audit/src/catalog.js';
import { replayLicensesOverview } from '../../audit/src/licenses.replay.js';
import type { ProjectionReader } from '../../../projections/projection.js';
import type { AccountDirectory, UsersPage } from '../../contracts/src/index.js';
import { REPORTS } from './catalog.js';
import { accountDirectory, listUsers, parseUsersRequest } from './directory/account-directory.js';
import { buildLicensesOverview, type LicensesOverview, type LicensesRequest } from './licenses/licenses-overview.js';
import type { ReportContext, ReportDefinition, SeriesBody, TableBody } from './report-definition.js';
import { INSTANT_RULE, utcInstant } from '../../domain/src/time/instant.js';
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
  private readonly activityActions: ActivityActions;

  constructor(
    @Optional() @Inject(PROJECTION_READER) private readonly projections?: ProjectionReader,
    @Optional() clock?: Clock,
    @Optional() @Inject(LEDGER_CONFIG) config?: LedgerConfig,
    @Optional() @Inject(EVENT_STORE) private readonly eventStore?: EventStore,
  ) {
    this.clock = clock ?? { now: () => Date.now() };
    this.leaseMs = (config?.sessionLeaseSeconds ?? 900) * 1000;
    this.activityActions = config?.activityActions ?? null;
  }

  /** Runs a report; with `asOf` (seat-history, assignments), from the account's events replayed up to that instant. */
  async run(name: string, parameters: Readonly<Record<string, unknown>>, options: RunReportOptions = {}): Promise<ReportResult> {
    const definition = findReport(name);
    const parsed = parseReportRequest(parameters, definition);
    const request = options.allRows ? { ...parsed, allRows: true } : parsed;
    if (request.asOf === undefined || definition.answersAsOf) return { definition, body: await definition.run(request, this.context()) };
    const replayed = REPLAYED_REPORTS.find((r) => r.name === definition.name);
    if (!replayed) throw new Error(`report ${definition.name} takes asOf but has no replayed version in REPLAYED_REPORTS`);
    const body = await this.asOf(request.accountId, request.asOf, (events, now) => replayed.run(events, request, { now, leaseMs: this.leaseMs, activityActions: this.activityActions }));
    return { definition, body };
  }

  /** The license overview (SPEC §4.7); parameters: accountId, and optionally product, orgId, asOf. */
  async licenses(parameters: Readonly<Record<string, unknown>>): Promise<LicensesOverview> {
    const request = parseLicensesRequest(parameters);
    if (request.asOf === undefined) return buildLicensesOverview(request, this.context());
    return this.asOf(request.accountId, request.asOf, (events, now) => replayLicensesOverview(events, request, { now, leaseMs: this.leaseMs, activityActions: this.activityActions }));
  }

  /** The account's name, zone, organization tree and products (`GET /v1/accounts/{id}`). */
  directory(accountId: string): Promise<AccountDirectory> {
    return accountDirectory(accountId, this.context());
  }

  /** The account's users matching q / orgId (`GET /v1/accounts/{id}/users`). */
  users(parameters: Readonly<Record<string, unknown>>): Promise<UsersPage> {
    return listUsers(parseUsersRequest(parameters), this.context());
  }

  private context(): ReportContext {
    if (!this.projections) throw new Error('reports need the projections: no ProjectionReader is provided in this application');
    return { now: this.clock.now(), leaseMs: this.leaseMs, projections: this.projections };
  }

  private asOf<T>(accountId: string, asOf: string, answer: (events: readonly StoredLedgerEvent[], now: number) => T): Promise<T> {
    if (!this.eventStore) throw new Error('asOf needs the event store: no EVENT_STORE is provided in this application');
    return replayAsOf(this.eventStore, accountId, asOf, this.clock.now(), answer);
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
  const asOfText = text('asOf');
  const asOf = asOfText === undefined ? undefined : utcInstant(asOfText) ?? undefined;
  if (asOfText !== undefined && asOf === undefined) errors.push({ path: 'asOf', message: INSTANT_RULE });
  if (errors.length > 0) {
    throw new DomainError('VALIDATION_FAILED', errors.map((e) => `${e.path}: ${e.message}`).join('; '), errors);
  }
  return { accountId: accountId!, product: product as Product | undefined, orgId, asOf };
}

/** `GET /v1/accounts/{accountId}`: what a client needs to ask for the account's reports. */
export class AccountDirectoryQuery extends Query<AccountDirectory> {
  constructor(readonly accountId: string) {
    super();
  }
}

@QueryHandler(AccountDirectoryQuery)
export class AccountDirectoryHandler implements IQueryHandler<AccountDirectoryQuery, AccountDirectory> {
  constructor(private readonly reports: ReportsService) {}

  execute({ accountId }: AccountDirectoryQuery): Promise<AccountDirectory> {
    return this.reports.directory(accountId);
  }
}

/** `GET /v1/accounts/{accountId}/users`. */
export class UsersQuery extends Query<UsersPage> {
  constructor(readonly parameters: Readonly<Record<string, unknown>>) {
    super();
  }
}

@QueryHandler(UsersQuery)
export class UsersHandler implements IQueryHandler<UsersQuery, UsersPage> {
  constructor(private readonly reports: ReportsService) {}

  execute({ parameters }: UsersQuery): Promise<UsersPage> {
    return this.reports.users(parameters);
  }
}

@QueryHandler(RunReportQuery)
export class RunReportHandler implements IQueryHandler<RunReportQuery, ReportResult> {
  constructor(private readonly reports: ReportsService) {}

  execute({ name, parameters, options }: RunReportQuery): Promise<ReportResult> {
    return this.reports.run(name, parameters, options);
  }
}
