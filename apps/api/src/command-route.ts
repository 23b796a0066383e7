import {
  applyDecorators,
  HttpCode,
  Injectable,
  UseInterceptors,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { ApiBody, ApiConflictResponse, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, type SchemaObject } from '@nestjs/swagger';
import type { ServerResponse } from 'node:http';
import { tap, type Observable } from 'rxjs';
import type { CommandOutcome } from '../../../libs/ledger/src/command-gateway.js';
import { ref } from './openapi/schemas.js';
import { COMMAND_DTOS, type ClientCommandType } from '../../../libs/ledger/src/validation/command-dtos.js';
import { fieldSchemas } from '../../../libs/ledger/src/validation/field-rules.js';

/** A repeated `commandId` appended nothing: 200 instead of 201. */
@Injectable()
export class DuplicateOutcomeStatus implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler<CommandOutcome>): Observable<CommandOutcome> {
    return next.handle().pipe(
      tap((outcome) => {
        if (outcome.duplicate) context.switchToHttp().getResponse<ServerResponse>().statusCode = 200;
      }),
    );
  }
}

/**
 * The JSON Schema of a command's body, from the rules that check it (field-rules.ts): the fields
 * `bodyFields` names (`orgId, name, parentOrgId?`; the others come from the path), `at` and `commandId`.
 */
export function commandBodySchema(type: ClientCommandType, bodyFields: string): SchemaObject {
  const { properties, required } = fieldSchemas(COMMAND_DTOS[type]);
  const named = bodyFields
    .split(',')
    .map((part) => /^\s*([A-Za-z]+)/.exec(part)?.[1])
    .filter((name): name is string => name !== undefined);
  const inBody = [...named, 'at', 'commandId'];
  return {
    type: 'object',
    properties: Object.fromEntries(inBody.filter((name) => name in properties).map((name) => [name, { ...properties[name] } as SchemaObject])),
    required: required.filter((name) => inBody.includes(name)),
    additionalProperties: false,
  };
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
    ApiBody({ required: bodyFields.trim() !== '', schema: commandBodySchema(type, bodyFields) }),
    ApiCreatedResponse({ description: 'Accepted: the events appended', schema: ref('CommandOutcome') }),
    ApiOkResponse({ description: 'A repeated commandId: the first outcome, duplicate: true', schema: ref('CommandOutcome') }),
    ApiConflictResponse({ description: 'Rejected by a rule (problem+json with the code)' }),
  );
}
