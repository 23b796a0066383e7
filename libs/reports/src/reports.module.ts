import { Global, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { PROJECTED_ANSWERS } from '../../report-contract/src/answer-ports.js';
import { ProjectedReportAnswers } from './projected-answers.js';
import {
  AccountDirectoryHandler,
  LicenseListHandler,
  LicensesOverviewHandler,
  ReportsService,
  RunReportHandler,
  UsersHandler,
} from './reports.service.js';
import { CapacityExplainService, ExplainCapacityHandler } from './capacity/explain-capacity.js';

/**
 * Reports on the QueryBus (`RunReportQuery`). Reads the projections through the ProjectionReader the
 * projections module provides (token PROJECTION_READER), the Clock and LEDGER_CONFIG of the
 * LedgerModule, and answers `asOf` through AS_OF_ANSWERS (libs/audit's AsOfAnswersModule); all
 * optional at startup, so the HTTP API starts without them (a report then fails). Provides the
 * projected figures to explain (PROJECTED_ANSWERS), application-wide.
 */
@Global()
@Module({
  imports: [CqrsModule.forRoot()],
  providers: [
    ReportsService,
    RunReportHandler,
    LicensesOverviewHandler,
    LicenseListHandler,
    AccountDirectoryHandler,
    UsersHandler,
    CapacityExplainService,
    ExplainCapacityHandler,
    ProjectedReportAnswers,
    { provide: PROJECTED_ANSWERS, useExisting: ProjectedReportAnswers },
  ],
  exports: [ReportsService, PROJECTED_ANSWERS],
})
export class ReportsModule {}
