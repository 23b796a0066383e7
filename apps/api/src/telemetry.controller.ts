import { Controller, Param, Post, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { CommandOutcome } from '../../../libs/ledger/src/command-gateway.js';
import { CommandRoute } from './command-route.js';
import { CommandSender } from './command-sender.js';
import type { ApiRequest } from './http-request.js';

/** Product telemetry: logins, activity and sessions. */
@ApiTags('telemetry')
@Controller('v1/accounts/:accountId')
export class TelemetryController {
  constructor(private readonly commands: CommandSender) {}

  @Post('logins')
  @CommandRoute('RecordLogin', 'product, userId, machineId?')
  recordLogin(@Param('accountId') accountId: string, @Req() request: ApiRequest): Promise<CommandOutcome> {
    return this.commands.send('RecordLogin', { accountId }, request);
  }

  @Post('activity')
  @CommandRoute('RecordActivity', 'product, userId, action')
  recordActivity(@Param('accountId') accountId: string, @Req() request: ApiRequest): Promise<CommandOutcome> {
    return this.commands.send('RecordActivity', { accountId }, request);
  }

  @Post('sessions')
  @CommandRoute('StartSession', 'product, sessionId, userId, machineId, licenseType? (online|offline)')
  startSession(@Param('accountId') accountId: string, @Req() request: ApiRequest): Promise<CommandOutcome> {
    return this.commands.send('StartSession', { accountId }, request);
  }

  @Post('sessions/:sessionId/heartbeat')
  @CommandRoute('HeartbeatSession', '')
  heartbeat(@Param('accountId') accountId: string, @Param('sessionId') sessionId: string, @Req() request: ApiRequest): Promise<CommandOutcome> {
    return this.commands.send('HeartbeatSession', { accountId, sessionId }, request);
  }

  @Post('sessions/:sessionId/end')
  @CommandRoute('EndSession', '')
  endSession(@Param('accountId') accountId: string, @Param('sessionId') sessionId: string, @Req() request: ApiRequest): Promise<CommandOutcome> {
    return this.commands.send('EndSession', { accountId, sessionId }, request);
  }
}
