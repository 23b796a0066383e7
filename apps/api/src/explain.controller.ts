import { Controller, Get, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ReplaysHistory } from './limits/replay-admission.js';
import { ExplainLicensesQuery, ExplainReportQuery } from '../../../libs/audit/src/explain/explain.service.js';
import type { LicensesExplanation } from '../../../libs/audit/src/explain/licenses-explain.js';
import { withoutAccountId } from './query-parameters.js';
import type { SeriesExplanation } from '../../../libs/audit/src/explain/series-explain.js';
import { ref } from './openapi/schemas.js';
import { CAPACITY_EXPLAINED, ExplainCapacityQuery } from '../../../libs/reports/src/capacity/explain-capacity.js';

/** Explain (SPEC §5): the events behind one number of a report or of the license overview. */
@ApiTags('audit')
@Controller('v1/accounts/:accountId')
export class ExplainController {
  constructor(private readonly queries: QueryBus) {}

  @Get('reports/:name/explain')
  @ReplaysHistory()
  @ApiOperation({
    summary: 'The events behind one number of seat-history, seat-usage, session-usage, aut-usage, what-if, reclaim-backtest, denials or forecast',
    description:
      "The report's parameters (product, orgId, from, to, interval; no groupBy) plus bucket (the start of a bucket, as the " +
      "report prints it, or the same instant in any ISO form) and metric (one of the report's). Computed by replaying the account's " +
      'events up to the position the projected report answered at; `warning` appears if the two disagree. The capacity reports ' +
      '(SPEC §8) take their own parameters too and list the items their computation counted for the figure, with their events.',
  })
  @ApiParam({ name: 'name', description: 'seat-history, seat-usage, session-usage, aut-usage, what-if, reclaim-backtest, denials or forecast' })
  @ApiQuery({ name: 'bucket', required: true })
  @ApiQuery({ name: 'metric', required: true })
  @ApiQuery({ name: 'product', required: true })
  @ApiQuery({ name: 'orgId', required: false })
  @ApiQuery({ name: 'from', required: true, schema: { type: 'string', format: 'date' } })
  @ApiQuery({ name: 'to', required: true, schema: { type: 'string', format: 'date' } })
  @ApiQuery({ name: 'interval', required: true, enum: ['hour', 'day', 'week', 'month'] })
  @ApiOkResponse({ description: 'The events behind the number, with the details of the metric', schema: ref('SeriesExplanation') })
  report(@Param('accountId') accountId: string, @Param('name') name: string, @Query() query: Record<string, unknown>): Promise<SeriesExplanation> {
    const parameters = { ...withoutAccountId(query), accountId };
    return this.queries.execute(
      CAPACITY_EXPLAINED.includes(name) ? new ExplainCapacityQuery(name, parameters) : new ExplainReportQuery(name, parameters),
    );
  }

  @Get('licenses/explain')
  @ReplaysHistory()
  @ApiOperation({ summary: 'The events behind one pool figure of the license overview (purchased, dedicated, pool, used, available, offline)' })
  @ApiQuery({ name: 'product', required: true })
  @ApiQuery({ name: 'scope', required: true, description: "'account' or the id of an organization with a dedication" })
  @ApiQuery({ name: 'metric', required: true })
  @ApiQuery({ name: 'asOf', required: false, description: 'An ISO instant: as the ledger stood then (by business time)' })
  @ApiOkResponse({ description: 'The events behind the figure', schema: ref('LicensesExplanation') })
  licenses(@Param('accountId') accountId: string, @Query() query: Record<string, unknown>): Promise<LicensesExplanation> {
    return this.queries.execute(new ExplainLicensesQuery({ ...withoutAccountId(query), accountId }));
  }
}
