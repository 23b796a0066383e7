import { Inject, Injectable, Optional } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { DomainError } from '../../domain/src/errors.js';
import { Clock } from '../../platform/src/clock.js';
import { sessionLeaseMs, type LedgerConfig } from '../../platform/src/config.js';
import { LEDGER_CONFIG } from '../../platform/src/tokens.js';
import { AS_OF_ANSWERS, REPLAYING_REPORTS, type AsOfAnswers, type ReplayingReports } from '../../report-contract/src/answer-ports.js';
import { limitLicenseLists, pageLicenseList } from '../../report-contract/src/license-lists.js';
import { parseLicenseListRequest, parseOverviewRequest, type LicensesRequest } from '../../report-contract/src/licenses-request.js';
import type { ProjectionReader } from '../../../projections/projection.js';
import type { AccountDirectory, LicenseListPage, UsersPage } from '../../contracts/src/index.js';
import { REPORTS } from './catalog.js';
import { accountDirectory, listUsers, parseUsersRequest } from './directory/account-directory.js';
import { buildLicensesOverview, type LicensesOverview } from './licenses/licenses-overview.js';
import type { ReportContext, ReportDefinition, SeriesBody, TableBody } from './report-definition.js';
import { parseReportRequest } from '../../report-contract/src/report-request.js';
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

/**
 * Finds a report, validates its parameters and runs it against the projections' active tables; a
 * report asked `asOf` an instant is answered by its replayed twin (AS_OF_ANSWERS, which the
 * application provides from libs/audit); a report that replays history under a hypothesis (what-if,
 * reclaim-backtest) runs where the application's replays run (REPLAYING_REPORTS: off the event loop).
 */
@Injectable()
export class ReportsService {
  private readonly clock: Clock;
  private readonly leaseMs: number;

  constructor(
    @Optional() @Inject(PROJECTION_READER) private readonly projections?: ProjectionReader,
    @Optional() clock?: Clock,
    @Optional() @Inject(LEDGER_CONFIG) config?: LedgerConfig,
    @Optional() @Inject(AS_OF_ANSWERS) private readonly asOfAnswers?: AsOfAnswers,
    @Optional() @Inject(REPLAYING_REPORTS) private readonly replaying?: ReplayingReports,
  ) {
    this.clock = clock ?? { now: () => Date.now() };
    this.leaseMs = sessionLeaseMs(config);
  }

  /** Runs a report; with `asOf` (seat-history, assignments), from the account's events replayed up to that instant. */
  async run(name: string, parameters: Readonly<Record<string, unknown>>, options: RunReportOptions = {}): Promise<ReportResult> {
    const definition = findReport(name);
    const parsed = parseReportRequest(parameters, definition);
    const request = options.allRows ? { ...parsed, allRows: true } : parsed;
    if (request.asOf === undefined || definition.answersAsOf) {
      const offLoop = definition.replaysHistory ? this.replaying?.report(definition.name, request, this.clock.now()) : null;
      return { definition, body: await (offLoop ?? definition.run(request, this.context())) };
    }
    const body = await this.replayed().report(definition.name, request, this.clock.now());
    if (!body) throw new Error(`report ${definition.name} takes asOf but has no replayed version`);
    return { definition, body };
  }

  /**
   * The license overview (SPEC §4.7); parameters: accountId, and optionally product, orgId, asOf, and
   * listLimit (each list cut to its first rows, with `listTotals`; absent: the SPEC's body, whole).
   */
  async licenses(parameters: Readonly<Record<string, unknown>>): Promise<LicensesOverview> {
    const { request, listLimit } = parseOverviewRequest(parameters);
    const overview = await this.overview(request);
    return listLimit === undefined ? overview : limitLicenseLists(overview, listLimit);
  }

  /**
   * One page of one list of the overview (`GET …/licenses/{product}/{list}`): parameters accountId,
   * product, list, and optionally orgId, asOf, q, page, pageSize; `allRows` (CSV): every matching row.
   */
  async licenseList(parameters: Readonly<Record<string, unknown>>, options: RunReportOptions = {}): Promise<LicenseListPage> {
    const listRequest = parseLicenseListRequest(parameters);
    return pageLicenseList(await this.overview(listRequest.request), listRequest, options.allRows ?? false);
  }

  /** The whole overview: from the projected tables at now, or replayed from the events as of an instant. */
  private overview(request: LicensesRequest): Promise<LicensesOverview> {
    if (request.asOf === undefined) return buildLicensesOverview(request, this.context());
    return this.replayed().licenses(request, this.clock.now());
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

  private replayed(): AsOfAnswers {
    if (!this.asOfAnswers) throw new Error('asOf needs the replayed reports: no AS_OF_ANSWERS is provided in this application');
    return this.asOfAnswers;
  }
}

/** Validates `parameters` for `definition` and runs it (no Nest: for tests and tools). */
export function runReport(
  definition: ReportDefinition,
  parameters: Readonly<Record<string, unknown>>,
  context: ReportContext,
  options: RunReportOptions = {},
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

/** `GET …/licenses/{product}/{list}` and `ledger licenses --list`: one page of one list of the overview. */
export class LicenseListQuery extends Query<LicenseListPage> {
  constructor(
    readonly parameters: Readonly<Record<string, unknown>>,
    readonly options: RunReportOptions = {},
  ) {
    super();
  }
}

@QueryHandler(LicenseListQuery)
export class LicenseListHandler implements IQueryHandler<LicenseListQuery, LicenseListPage> {
  constructor(private readonly reports: ReportsService) {}

  execute({ parameters, options }: LicenseListQuery): Promise<LicenseListPage> {
    return this.reports.licenseList(parameters, options);
  }
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
