import { Controller, Delete, Get, Param, Post, Query, Req } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { DeliveriesQuery, WebhooksQuery } from '../../../../libs/alerts/src/alerts.service.js';
import type { DeliveriesBody, WebhooksBody } from '../../../../libs/contracts/src/index.js';
import type { CommandOutcome } from '../../../../libs/ledger/src/command-gateway.js';
import { CommandRoute } from '../command-route.js';
import { CommandSender } from '../command-sender.js';
import type { ApiRequest } from '../http-request.js';
import { ref } from '../openapi/schemas.js';
import { withoutAccountId } from '../query-parameters.js';

/** Webhooks (SPEC §9): registered and removed by commands; their deliveries and attempts listed. Secrets are never answered. */
@ApiTags('alerts')
@Controller('v1/accounts/:accountId/webhooks')
export class WebhooksController {
  constructor(
    private readonly commands: CommandSender,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @CommandRoute('RegisterWebhook', 'webhookId, url (https://; http:// with WEBHOOK_ALLOW_HTTP=1), secret (stored encrypted, never shown again)')
  register(@Param('accountId') accountId: string, @Req() request: ApiRequest): Promise<CommandOutcome> {
    return this.commands.send('RegisterWebhook', { accountId }, request);
  }

  @Delete(':webhookId')
  @CommandRoute('RemoveWebhook', '')
  remove(@Param('accountId') accountId: string, @Param('webhookId') webhookId: string, @Req() request: ApiRequest): Promise<CommandOutcome> {
    return this.commands.send('RemoveWebhook', { accountId, webhookId }, request);
  }

  @Get()
  @ApiOperation({ summary: "The account's webhooks: id, url, secret fingerprint, registered and removed (never the secret)" })
  @ApiOkResponse({ description: "The account's webhooks", schema: ref('WebhooksBody') })
  list(@Param('accountId') accountId: string, @Query() query: Record<string, unknown>): Promise<WebhooksBody> {
    return this.queries.execute(new WebhooksQuery(accountId, withoutAccountId(query)));
  }

  @Get(':webhookId/deliveries')
  @ApiOperation({ summary: "A webhook's deliveries, newest first, each with its attempts" })
  @ApiQuery({ name: 'status', required: false, enum: ['pending', 'delivered', 'failed', 'cancelled'] })
  @ApiQuery({ name: 'page', required: false })
  @ApiQuery({ name: 'pageSize', required: false, description: 'default 50, at most 1000' })
  @ApiOkResponse({ description: "The webhook's deliveries and their attempts", schema: ref('DeliveriesBody') })
  deliveries(
    @Param('accountId') accountId: string,
    @Param('webhookId') webhookId: string,
    @Query() query: Record<string, unknown>,
  ): Promise<DeliveriesBody> {
    return this.queries.execute(new DeliveriesQuery(accountId, webhookId, withoutAccountId(query)));
  }
}
