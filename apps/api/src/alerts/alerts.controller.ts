import { Controller, Get, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { AlertQuery, AlertsQuery, ExplainAlertQuery } from '../../../../libs/alerts/src/alerts.service.js';
import type { AlertExplanation, AlertsBody, AlertView } from '../../../../libs/contracts/src/index.js';
import { ref } from '../openapi/schemas.js';
import { withoutAccountId } from '../query-parameters.js';

/** Alerts raised by the alert processor (SPEC §9), open and past, each with its evidence and an explanation. */
@ApiTags('alerts')
@Controller('v1/accounts/:accountId/alerts')
export class AlertsController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @ApiOperation({ summary: 'Alerts, newest first, open and past, with their evidence (event positions)' })
  @ApiQuery({ name: 'status', required: false, enum: ['open', 'cleared'] })
  @ApiQuery({ name: 'ruleId', required: false })
  @ApiQuery({ name: 'kind', required: false, enum: ['usage-threshold', 'denials', 'over-allocated', 'expiring'] })
  @ApiQuery({ name: 'product', required: false })
  @ApiQuery({ name: 'page', required: false })
  @ApiQuery({ name: 'pageSize', required: false, description: 'default 50, at most 1000' })
  @ApiOkResponse({ description: 'Alerts, newest first, paged', schema: ref('AlertsBody') })
  list(@Param('accountId') accountId: string, @Query() query: Record<string, unknown>): Promise<AlertsBody> {
    return this.queries.execute(new AlertsQuery(accountId, withoutAccountId(query)));
  }

  @Get(':alertId')
  @ApiOperation({ summary: 'One alert' })
  @ApiOkResponse({ description: 'The alert', schema: ref('AlertView') })
  one(@Param('accountId') accountId: string, @Param('alertId') alertId: string): Promise<AlertView> {
    return this.queries.execute(new AlertQuery(accountId, alertId));
  }

  @Get(':alertId/explain')
  @ApiOperation({ summary: 'The alert like a report figure: its value, how it reads, and the events behind it, linking to the events log' })
  @ApiOkResponse({ description: 'The alert explained', schema: ref('AlertExplanation') })
  explain(
    @Param('accountId') accountId: string,
    @Param('alertId') alertId: string,
    @Query() query: Record<string, unknown>,
  ): Promise<AlertExplanation> {
    return this.queries.execute(new ExplainAlertQuery(accountId, alertId, withoutAccountId(query)));
  }
}
