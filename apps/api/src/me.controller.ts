import { Controller, Get, Req } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { KeyInfo } from '../../../libs/contracts/src/index.js';
import { authenticatedKeyOf } from './auth/authenticated-key.js';
import { ROLE_PERMISSIONS } from './auth/route-permissions.js';
import type { ApiRequest } from './http-request.js';
import { ref } from './openapi/schemas.js';

/** `GET /v1/me`: the key a client holds, so that it shows only what the key's role may do. */
@ApiTags('accounts')
@Controller('v1/me')
export class MeController {
  @Get()
  @ApiOperation({ summary: 'The API key of the request: its id, role and account (null for a global operator key), and what the role may do' })
  @ApiOkResponse({ description: 'The key and what its role may do', schema: ref('KeyInfo') })
  me(@Req() request: ApiRequest): KeyInfo {
    const key = authenticatedKeyOf(request);
    // The guard authenticates every /v1 request before it reaches a handler.
    if (!key) throw new Error('GET /v1/me reached without an authenticated key');
    const permissions = ROLE_PERMISSIONS[key.role];
    return {
      keyId: key.keyId,
      role: key.role,
      accountId: key.accountId,
      can: {
        readReports: permissions.includes('account:read'),
        manageAccount: permissions.includes('account:manage'),
        sendTelemetry: permissions.includes('account:telemetry'),
        operate: permissions.includes('ops:manage'),
      },
    };
  }
}
