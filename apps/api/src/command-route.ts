import {
  applyDecorators, HttpCode, Injectable, UseInterceptors, type CallHandler, type ExecutionContext, type NestInterceptor,
} from '@nestjs/common';
import { ApiBody, ApiConflictResponse, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import type { ServerResponse } from 'node:http';
import { tap, type Observable } from 'rxjs';
import type { CommandOutcome } from '../../../libs/ledger/src/command-gateway.js';
import { ref } from './openapi/schemas.js';
import type { ClientCommandType } from '../../../libs/ledger/src/validation/command-dtos.js';

/** A repeated `commandId` appended nothing: 200 instead of 201. */
@Injectable()
export class DuplicateOutcomeStatus implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler<CommandOutcome>): Observable<CommandOutcome> {
    return next.handle().pipe(tap((outcome) => {
      if (outcome.duplicate) context.switchToHttp().getResponse<ServerResponse>().statusCode = 200;
    }));
  }
}

/**
 * A route that sends one command: 201 with the CommandOutcome (200 for a duplicate), and its
 * OpenAPI description. `bodyFields` lists what the body carries besides `at` and `commandId`.
 */
export function CommandRoute(type: ClientCommandType, bodyFields: string): MethodDecorator {
  return applyDecorators(
    HttpCode(201),
    UseInterceptors(DuplicateOutcomeStatus),
    ApiOperation({
      summary: type,
      description: `Sends the ${type} command (SPEC §3). Body: ${bodyFields ? `${bodyFields}, ` : ''}at?, commandId?.`,
    }),
    ApiHeader({ name: 'Idempotency-Key', required: false, description: 'The commandId, if not in the body' }),
    ApiBody({ required: false, schema: { type: 'object', additionalProperties: true } }),
    ApiCreatedResponse({ description: 'Accepted: the events appended', schema: ref('CommandOutcome') }),
    ApiOkResponse({ description: 'A repeated commandId: the first outcome, duplicate: true', schema: ref('CommandOutcome') }),
    ApiConflictResponse({ description: 'Rejected by a rule (problem+json with the code)' }),
  );
}
