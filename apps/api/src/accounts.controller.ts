import { Controller, Param, Patch, Post, Put, Req } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { CommandOutcome } from '../../../libs/ledger/src/command-gateway.js';
import { CommandRoute } from './command-route.js';
import { CommandSender } from './command-sender.js';
import type { ApiRequest } from './http-request.js';

/** The account and its directory: organizations, users, projects. */
@ApiTags('accounts')
@Controller('v1/accounts/:accountId')
export class AccountsController {
  constructor(private readonly commands: CommandSender) {}

  @Put()
  @CommandRoute('OpenAccount', 'name, timezone? (default UTC)')
  openAccount(@Param('accountId') accountId: string, @Req() request: ApiRequest): Promise<CommandOutcome> {
    return this.commands.send('OpenAccount', { accountId }, request);
  }

  @Patch()
  @CommandRoute('ChangeAccountTimezone', 'timezone')
  changeTimezone(@Param('accountId') accountId: string, @Req() request: ApiRequest): Promise<CommandOutcome> {
    return this.commands.send('ChangeAccountTimezone', { accountId }, request);
  }

  @Post('organizations')
  @CommandRoute('CreateOrganization', 'orgId, name, parentOrgId?')
  createOrganization(@Param('accountId') accountId: string, @Req() request: ApiRequest): Promise<CommandOutcome> {
    return this.commands.send('CreateOrganization', { accountId }, request);
  }

  @Post('users')
  @CommandRoute('RegisterUser', 'userId, email, fullName, orgId')
  registerUser(@Param('accountId') accountId: string, @Req() request: ApiRequest): Promise<CommandOutcome> {
    return this.commands.send('RegisterUser', { accountId }, request);
  }

  @Post('users/:userId/move')
  @CommandRoute('MoveUser', 'orgId')
  moveUser(@Param('accountId') accountId: string, @Param('userId') userId: string, @Req() request: ApiRequest): Promise<CommandOutcome> {
    return this.commands.send('MoveUser', { accountId, userId }, request);
  }

  @Post('projects')
  @CommandRoute('CreateProject', 'projectId, name, orgId')
  createProject(@Param('accountId') accountId: string, @Req() request: ApiRequest): Promise<CommandOutcome> {
    return this.commands.send('CreateProject', { accountId }, request);
  }

  @Post('projects/:projectId/members')
  @CommandRoute('AddUserToProject', 'userId')
  addUserToProject(
    @Param('accountId') accountId: string,
    @Param('projectId') projectId: string,
    @Req() request: ApiRequest,
  ): Promise<CommandOutcome> {
    return this.commands.send('AddUserToProject', { accountId, projectId }, request);
  }
}
