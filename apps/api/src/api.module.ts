import { Module } from '@nestjs/common';
import { AccountsController } from './accounts.controller.js';
import { CommandSender } from './command-sender.js';
import { DirectoryController } from './directory.controller.js';
import { ExplainController } from './explain.controller.js';
import { ImportController } from './import.controller.js';
import { LicensesController } from './licenses.controller.js';
import { LicensesOverviewController } from './licenses-overview.controller.js';
import { MeController } from './me.controller.js';
import { ReportsController } from './reports.controller.js';
import { ReportsModule } from '../../../libs/reports/src/reports.module.js';
import { ExplainModule } from '../../../libs/audit/src/explain/explain.module.js';
import { AsOfAnswersModule } from '../../../libs/audit/src/as-of-answers.js';
import { TelemetryController } from './telemetry.controller.js';

/**
 * The HTTP routes. Needs a global CommandGateway (LedgerModule, or a double in tests). Joins the two
 * computations of a report: the projected reports answer `asOf` by the audit's replays, explain asks
 * the reports for the projected figure.
 */
@Module({
  imports: [ReportsModule, ExplainModule, AsOfAnswersModule],
  controllers: [
    AccountsController,
    LicensesController,
    TelemetryController,
    ImportController,
    ReportsController,
    LicensesOverviewController,
    ExplainController,
    DirectoryController,
    MeController,
  ],
  providers: [CommandSender],
})
export class ApiModule {}
