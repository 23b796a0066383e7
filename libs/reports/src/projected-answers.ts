import { Inject, Injectable, Optional } from '@nestjs/common';
import type { ProjectionReader } from '../../../projections/projection.js';
import type { LicensesOverview, SeriesBody, TableBody } from '../../contracts/src/index.js';
import { sessionLeaseMs, type LedgerConfig } from '../../platform/src/config.js';
import { LEDGER_CONFIG } from '../../platform/src/tokens.js';
import type { ProjectedAnswers } from '../../report-contract/src/answer-ports.js';
import type { LicensesRequest } from '../../report-contract/src/licenses-request.js';
import { buildLicensesOverview } from './licenses/licenses-overview.js';
import type { ReportContext } from './report-definition.js';
import { findReport, runReport } from './reports.service.js';
import { PROJECTION_READER } from './tokens.js';

/** The projected figures at a given now (token PROJECTED_ANSWERS), for explain to compare its replay with. */
@Injectable()
export class ProjectedReportAnswers implements ProjectedAnswers {
  private readonly leaseMs: number;

  constructor(
    @Optional() @Inject(PROJECTION_READER) private readonly projections?: ProjectionReader,
    @Optional() @Inject(LEDGER_CONFIG) config?: Pick<LedgerConfig, 'sessionLeaseSeconds'>,
  ) {
    this.leaseMs = sessionLeaseMs(config);
  }

  report(name: string, parameters: Readonly<Record<string, unknown>>, now: number): Promise<SeriesBody | TableBody> {
    return runReport(findReport(name), parameters, this.context(now));
  }

  licenses(request: LicensesRequest, now: number): Promise<LicensesOverview> {
    return buildLicensesOverview(request, this.context(now));
  }

  private context(now: number): ReportContext {
    if (!this.projections) throw new Error('explain needs the projections: no ProjectionReader is provided in this application');
    return { now, leaseMs: this.leaseMs, projections: this.projections };
  }
}
