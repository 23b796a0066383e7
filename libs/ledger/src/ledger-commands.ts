import { Command, CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { Injectable } from '@nestjs/common';
import { AccountLedger } from './account-ledger.js';
import {
  CommandGateway, type BatchResult, type CommandContext, type CommandOutcome, type IncomingCommand,
} from './command-gateway.js';

/** One ledger command on the CommandBus; its handler decides it against the account's stream. */
export class ExecuteLedgerCommand extends Command<CommandOutcome> {
  constructor(readonly command: IncomingCommand, readonly context: CommandContext) {
    super();
  }
}

/** An ordered batch of commands (bulk import), appended in batches. */
export class ExecuteLedgerBatch extends Command<BatchResult[]> {
  constructor(readonly commands: readonly IncomingCommand[], readonly context: CommandContext) {
    super();
  }
}

@CommandHandler(ExecuteLedgerCommand)
export class ExecuteLedgerCommandHandler implements ICommandHandler<ExecuteLedgerCommand> {
  constructor(private readonly ledger: AccountLedger) {}

  execute({ command, context }: ExecuteLedgerCommand): Promise<CommandOutcome> {
    return this.ledger.execute(command, context);
  }
}

@CommandHandler(ExecuteLedgerBatch)
export class ExecuteLedgerBatchHandler implements ICommandHandler<ExecuteLedgerBatch> {
  constructor(private readonly ledger: AccountLedger) {}

  execute({ commands, context }: ExecuteLedgerBatch): Promise<BatchResult[]> {
    return this.ledger.executeMany(commands, context);
  }
}

/** The gateway the interfaces use: everything goes through the CommandBus. */
@Injectable()
export class CommandBusGateway extends CommandGateway {
  constructor(private readonly bus: CommandBus) {
    super();
  }

  execute(command: IncomingCommand, context: CommandContext): Promise<CommandOutcome> {
    return this.bus.execute(new ExecuteLedgerCommand(command, context));
  }

  executeMany(commands: readonly IncomingCommand[], context: CommandContext): Promise<BatchResult[]> {
    return this.bus.execute(new ExecuteLedgerBatch(commands, context));
  }
}
