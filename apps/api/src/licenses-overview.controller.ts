import { Controller, Get, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { LicensesOverview } from '../../../libs/reports/src/licenses/licenses-overview.js';
import { ReplaysHistory } from './limits/replay-admission.js';
import { LicensesOverviewQuery } from '../../../libs/reports/src/reports.service.js';
import { ref } from './openapi/schemas.js';

/** The license overview of SPEC §4.7: Dedicated / Pool / Available per scope, per product. */
@ApiTags('reports')
@Controller('v1/accounts/:accountId/licenses')
export class LicensesOverviewController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @ReplaysHistory((request) => request.query?.asOf !== undefined)
  @ApiOperation({ summary: 'License overview: purchased, dedicated, pool, used, available, offline per scope; machines; licensed users' })
  @ApiQuery({ name: 'product', required: false })
  @ApiQuery({ name: 'orgId', required: false })
  @ApiQuery({
    name: 'asOf',
    required: false,
    description: 'ISO-8601 instant, not after now: the overview as the ledger stood then, replayed from the events',
  })
  @ApiOkResponse({ description: 'The licenses body of SPEC §6', schema: ref('LicensesOverview') })
  overview(@Param('accountId') accountId: string, @Query() query: Record<string, unknown>): Promise<LicensesOverview> {
    return this.queries.execute(new LicensesOverviewQuery({ ...query, accountId }));
  }
}
