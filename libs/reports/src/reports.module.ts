import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import {
  AccountDirectoryHandler, LicensesOverviewHandler, ReportsService, RunReportHandler, UsersHandler,
} from './reports.service.js';
import { CapacityExplainService, ExplainCapacityHandler } from './capacity/explain-capacity.js';

/**
 * Reports on the QueryBus (`RunReportQuery`). Reads the projections through the ProjectionReader the
 * projections module provides (token PROJECTION_READER), the Clock and LEDGER_CONFIG of the
 * LedgerModule; all optional at startup, so the HTTP API starts without them (a report then fails).
 */
@Module({
  imports: [CqrsModule.forRoot()],
  providers: [ReportsService, RunReportHandler, LicensesOverviewHandler, AccountDirectoryHandler, UsersHandler, CapacityExplainService, ExplainCapacityHandler],
  exports: [ReportsService],
})
export class ReportsModule {}
