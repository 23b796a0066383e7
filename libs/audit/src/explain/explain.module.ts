import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { ExplainLicensesHandler, ExplainReportHandler, ExplainService } from './explain.service.js';

/**
 * Explain on the QueryBus (`ExplainReportQuery`, `ExplainLicensesQuery`). Asks the projected figures of
 * the reports (PROJECTED_ANSWERS, which the application provides) and reads the event store (EVENT_STORE),
 * both optional at startup like the reports'.
 */
@Module({
  imports: [CqrsModule.forRoot()],
  providers: [ExplainService, ExplainReportHandler, ExplainLicensesHandler],
  exports: [ExplainService],
})
export class ExplainModule {}
