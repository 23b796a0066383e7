import { Controller, Get, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { AccountDirectory, UsersPage } from '../../../libs/contracts/src/index.js';
import { AccountDirectoryQuery, UsersQuery } from '../../../libs/reports/src/reports.service.js';
import { ref } from './openapi/schemas.js';

/** The account as clients need it to ask for reports: zone, organization tree, products, users. */
@ApiTags('accounts')
@Controller('v1/accounts/:accountId')
export class DirectoryController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @ApiOperation({
    summary: 'The account: name, time zone, organization tree (parents first) and the products, each saying whether it was ever purchased',
  })
  @ApiOkResponse({ description: 'The account, its zone, organization tree and products', schema: ref('AccountDirectory') })
  account(@Param('accountId') accountId: string): Promise<AccountDirectory> {
    return this.queries.execute(new AccountDirectoryQuery(accountId));
  }

  @Get('users')
  @ApiOperation({
    summary:
      "The account's users by name: q (a case-insensitive part of the name, email or id), orgId (that organization and below), limit (default 20, ≤ 200)",
  })
  @ApiQuery({ name: 'q', required: false })
  @ApiQuery({ name: 'orgId', required: false })
  @ApiQuery({ name: 'limit', required: false })
  @ApiOkResponse({ description: 'Users matching q', schema: ref('UsersPage') })
  users(@Param('accountId') accountId: string, @Query() query: Record<string, unknown>): Promise<UsersPage> {
    return this.queries.execute(new UsersQuery({ ...query, accountId }));
  }
}
