import { Command, CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { Injectable } from '@nestjs/common';
import { AccountLedger } from './account-ledger.js';
import { failureOutcome, LedgerMetrics } from './ledger-metrics.js';
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
  constructor(private readonly ledger: AccountLedger, private readonly metrics: LedgerMetrics) {}

  async execute({ command, context }: ExecuteLedgerCommand): Promise<CommandOutcome> {
    try {
      const outcome = await this.ledger.execute(command, context);
      this.metrics.recordCommand(command.type, outcome.duplicate ? 'duplicate' : 'accepted');
      return outcome;
    } catch (error) {
      this.metrics.recordCommand(command.type, failureOutcome(error));
      throw error;
    }
  }
}

@CommandHandler(ExecuteLedgerBatch)
export class ExecuteLedgerBatchHandler implements ICommandHandler<ExecuteLedgerBatch> {
  constructor(private readonly ledger: AccountLedger, private readonly metrics: LedgerMetrics) {}

  async execute({ commands, context }: ExecuteLedgerBatch): Promise<BatchResult[]> {
    let results: BatchResult[];
    try {
      results = await this.ledger.executeMany(commands, context);
    } catch (error) {
      for (const command of commands) this.metrics.recordCommand(command.type, 'failed');
      throw error;
    }
    for (const [i, result] of results.entries()) {
      const outcome = result.ok ? (result.outcome.duplicate ? 'duplicate' : 'accepted') : 'rejected';
      this.metrics.recordCommand(commands[i].type, outcome);
    }
    return results;
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
