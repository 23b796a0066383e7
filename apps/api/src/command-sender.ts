import { Injectable } from '@nestjs/common';
import { CommandGateway, type CommandOutcome } from '../../../libs/ledger/src/command-gateway.js';
import type { ClientCommandType } from '../../../libs/ledger/src/validation/command-dtos.js';
import { parseCommand } from '../../../libs/ledger/src/validation/parse-command.js';
import { commandContextOf } from './actor.js';
import { commandFromRequest, type PathFields } from './http-command.js';
import type { ApiRequest } from './http-request.js';

/** Turns a request into its one command, validates it and hands it to the ledger. */
@Injectable()
export class CommandSender {
  constructor(private readonly gateway: CommandGateway) {}

  send(type: ClientCommandType, path: PathFields, request: ApiRequest): Promise<CommandOutcome> {
    const idempotencyKey = request.headers['idempotency-key'];
    const raw = commandFromRequest(type, path, request.body, typeof idempotencyKey === 'string' ? idempotencyKey : undefined);
    return this.gateway.execute(parseCommand(raw), commandContextOf(request));
  }
}
