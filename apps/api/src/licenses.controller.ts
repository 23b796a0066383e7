import { Controller, Delete, Param, Patch, Post, Put, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { CommandOutcome } from '../../../libs/ledger/src/command-gateway.js';
import { CommandRoute } from './command-route.js';
import { CommandSender } from './command-sender.js';
import type { ApiRequest } from './http-request.js';

/** Purchases, dedications, seats, offline licenses, machines and applications under test. */
@ApiTags('licenses')
@Controller('v1/accounts/:accountId')
export class LicensesController {
  constructor(private readonly commands: CommandSender) {}

  @Post('purchases')
  @CommandRoute('PurchaseLicenses', 'purchaseId, product, quantity, startsAt, expiresAt, machineQuota?')
  purchase(@Param('accountId') accountId: string, @Req() request: ApiRequest): Promise<CommandOutcome> {
    return this.commands.send('PurchaseLicenses', { accountId }, request);
  }

  @Patch('purchases/:purchaseId')
  @CommandRoute('AmendPurchase', 'quantity?, expiresAt?, machineQuota?')
  amendPurchase(@Param('accountId') accountId: string, @Param('purchaseId') purchaseId: string, @Req() request: ApiRequest): Promise<CommandOutcome> {
    return this.commands.send('AmendPurchase', { accountId, purchaseId }, request);
  }

  @Put('dedications/:product/:orgId')
  @CommandRoute('DedicateLicenses', 'quantity (absolute, ≥ 0)')
  dedicate(
    @Param('accountId') accountId: string,
    @Param('product') product: string,
    @Param('orgId') orgId: string,
    @Req() request: ApiRequest,
  ): Promise<CommandOutcome> {
    return this.commands.send('DedicateLicenses', { accountId, product, orgId }, request);
  }

  @Post('assignments')
  @CommandRoute('AssignSeat', 'product, userId')
  assignSeat(@Param('accountId') accountId: string, @Req() request: ApiRequest): Promise<CommandOutcome> {
    return this.commands.send('AssignSeat', { accountId }, request);
  }

  @Delete('assignments/:product/:userId')
  @CommandRoute('UnassignSeat', '')
  unassignSeat(
    @Param('accountId') accountId: string,
    @Param('product') product: string,
    @Param('userId') userId: string,
    @Req() request: ApiRequest,
  ): Promise<CommandOutcome> {
    return this.commands.send('UnassignSeat', { accountId, product, userId }, request);
  }

  @Post('offline-licenses')
  @CommandRoute('GenerateOfflineLicense', 'product, userId, machineId, expiresAt?')
  generateOfflineLicense(@Param('accountId') accountId: string, @Req() request: ApiRequest): Promise<CommandOutcome> {
    return this.commands.send('GenerateOfflineLicense', { accountId }, request);
  }

  /** Always refused by the ledger (409 OFFLINE_LICENSE_IRREVOCABLE); the route exists so clients learn why. */
  @Delete('offline-licenses/:product/:machineId')
  @CommandRoute('RevokeOfflineLicense', '')
  revokeOfflineLicense(
    @Param('accountId') accountId: string,
    @Param('product') product: string,
    @Param('machineId') machineId: string,
    @Req() request: ApiRequest,
  ): Promise<CommandOutcome> {
    return this.commands.send('RevokeOfflineLicense', { accountId, product, machineId }, request);
  }

  @Post('machines')
  @CommandRoute('RegisterMachine', 'product, machineId, userId')
  registerMachine(@Param('accountId') accountId: string, @Req() request: ApiRequest): Promise<CommandOutcome> {
    return this.commands.send('RegisterMachine', { accountId }, request);
  }

  @Post('machines/:product/:machineId/deactivate')
  @CommandRoute('DeactivateMachine', 'userId')
  deactivateMachine(
    @Param('accountId') accountId: string,
    @Param('product') product: string,
    @Param('machineId') machineId: string,
    @Req() request: ApiRequest,
  ): Promise<CommandOutcome> {
    return this.commands.send('DeactivateMachine', { accountId, product, machineId }, request);
  }

  @Post('applications')
  @CommandRoute('ActivateApplication', 'applicationId')
  activateApplication(@Param('accountId') accountId: string, @Req() request: ApiRequest): Promise<CommandOutcome> {
    return this.commands.send('ActivateApplication', { accountId }, request);
  }

  @Delete('applications/:applicationId')
  @CommandRoute('ReleaseApplication', '')
  releaseApplication(
    @Param('accountId') accountId: string,
    @Param('applicationId') applicationId: string,
    @Req() request: ApiRequest,
  ): Promise<CommandOutcome> {
    return this.commands.send('ReleaseApplication', { accountId, applicationId }, request);
  }
}
