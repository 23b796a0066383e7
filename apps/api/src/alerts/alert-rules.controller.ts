import { Controller, Delete, Get, Param, Post, Query, Req } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AlertRulesQuery } from '../../../../libs/alerts/src/alerts.service.js';
import type { AlertRulesBody } from '../../../../libs/contracts/src/index.js';
import type { CommandOutcome } from '../../../../libs/ledger/src/command-gateway.js';
import { CommandRoute } from '../command-route.js';
import { CommandSender } from '../command-sender.js';
import type { ApiRequest } from '../http-request.js';
import { ref } from '../openapi/schemas.js';
import { withoutAccountId } from '../query-parameters.js';

/** Alert rules (SPEC §9): created and removed by commands, listed from the alert processor. */
@ApiTags('alerts')
@Controller('v1/accounts/:accountId/alert-rules')
export class AlertRulesController {
  constructor(
    private readonly commands: CommandSender,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @CommandRoute(
    'CreateAlertRule',
    'ruleId, kind (usage-threshold|denials|over-allocated|expiring), product, scope (account or an orgId), threshold, windowSeconds?',
  )
  create(@Param('accountId') accountId: string, @Req() request: ApiRequest): Promise<CommandOutcome> {
    return this.commands.send('CreateAlertRule', { accountId }, request);
  }

  @Delete(':ruleId')
  @CommandRoute('RemoveAlertRule', '')
  remove(@Param('accountId') accountId: string, @Param('ruleId') ruleId: string, @Req() request: ApiRequest): Promise<CommandOutcome> {
    return this.commands.send('RemoveAlertRule', { accountId, ruleId }, request);
  }

  @Get()
  @ApiOperation({ summary: "The account's alert rules, removed ones included (with removedAt)" })
  @ApiOkResponse({ description: "The account's alert rules", schema: ref('AlertRulesBody') })
  list(@Param('accountId') accountId: string, @Query() query: Record<string, unknown>): Promise<AlertRulesBody> {
    return this.queries.execute(new AlertRulesQuery(accountId, withoutAccountId(query)));
  }
}
