import { Command, CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { Injectable } from '@nestjs/common';
import { DomainError } from '../../domain/src/errors.js';
import { AccountLedger } from './account-ledger.js';
import { failureOutcome, LedgerMetrics } from './ledger-metrics.js';
import { CommandGateway, type BatchResult, type ClientCommand, type CommandContext, type CommandOutcome } from './command-gateway.js';
import { WebhookRegistration, type PreparedCommand } from './webhook-registration.js';

/** One ledger command on the CommandBus; its handler decides it against the account's stream. */
export class ExecuteLedgerCommand extends Command<CommandOutcome> {
  constructor(
    readonly command: ClientCommand,
    readonly context: CommandContext,
  ) {
    super();
  }
}

/** An ordered batch of commands (bulk import), appended in batches. */
export class ExecuteLedgerBatch extends Command<BatchResult[]> {
  constructor(
    readonly commands: readonly ClientCommand[],
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(ExecuteLedgerCommand)
export class ExecuteLedgerCommandHandler implements ICommandHandler<ExecuteLedgerCommand> {
  constructor(
    private readonly ledger: AccountLedger,
    private readonly metrics: LedgerMetrics,
    private readonly registration: WebhookRegistration,
  ) {}

  async execute({ command, context }: ExecuteLedgerCommand): Promise<CommandOutcome> {
    let prepared: PreparedCommand | undefined;
    try {
      prepared = await this.registration.prepare(command);
      const outcome = await this.ledger.execute(prepared.command, context);
      this.metrics.recordCommand(command.type, outcome.duplicate ? 'duplicate' : 'accepted');
      return outcome;
    } catch (error) {
      if (error instanceof DomainError) await prepared?.discard();
      this.metrics.recordCommand(command.type, failureOutcome(error));
      throw error;
    }
  }
}

@CommandHandler(ExecuteLedgerBatch)
export class ExecuteLedgerBatchHandler implements ICommandHandler<ExecuteLedgerBatch> {
  constructor(
    private readonly ledger: AccountLedger,
    private readonly metrics: LedgerMetrics,
    private readonly registration: WebhookRegistration,
  ) {}

  async execute({ commands, context }: ExecuteLedgerBatch): Promise<BatchResult[]> {
    let results: BatchResult[];
    try {
      results = await this.prepareAndExecute(commands, context);
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

  /** Commands whose preparation is refused (a webhook URL) fail alone; the others are executed in order. */
  private async prepareAndExecute(commands: readonly ClientCommand[], context: CommandContext): Promise<BatchResult[]> {
    const results: (BatchResult | PreparedCommand)[] = [];
    for (const command of commands) {
      try {
        results.push(await this.registration.prepare(command));
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        results.push({ ok: false, error });
      }
    }
    const prepared = results.filter((r): r is PreparedCommand => 'command' in r);
    const executed = await this.ledger.executeMany(
      prepared.map((p) => p.command),
      context,
    );
    for (const [i, result] of executed.entries()) if (!result.ok) await prepared[i].discard();
    let next = 0;
    return results.map((r) => ('command' in r ? executed[next++] : r));
  }
}

/** The gateway the interfaces use: everything goes through the CommandBus. */
@Injectable()
export class CommandBusGateway extends CommandGateway {
  constructor(private readonly bus: CommandBus) {
    super();
  }

  execute(command: ClientCommand, context: CommandContext): Promise<CommandOutcome> {
    return this.bus.execute(new ExecuteLedgerCommand(command, context));
  }

  executeMany(commands: readonly ClientCommand[], context: CommandContext): Promise<BatchResult[]> {
    return this.bus.execute(new ExecuteLedgerBatch(commands, context));
  }
}
