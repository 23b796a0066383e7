import type { DomainError } from '../../libs/domain/src/errors.js';
import {
  CommandGateway,
  type BatchResult,
  type CommandContext,
  type CommandOutcome,
  type ClientCommand,
} from '../../libs/ledger/src/command-gateway.js';

/** What the double answers for one command: an outcome, or a rejection. */
export type Answer = Partial<CommandOutcome> | DomainError;

/**
 * A CommandGateway double for interface tests: records every command and context it is
 * given and answers accepted (or what `answer` says), without a ledger behind it.
 */
export class RecordingGateway extends CommandGateway {
  readonly executed: ClientCommand[] = [];
  readonly contexts: CommandContext[] = [];
  readonly batches: (readonly ClientCommand[])[] = [];

  constructor(private readonly answer: (command: ClientCommand) => Answer = () => ({})) {
    super();
  }

  async execute(command: ClientCommand, context: CommandContext): Promise<CommandOutcome> {
    this.executed.push(command);
    this.contexts.push(context);
    const answer = this.answer(command);
    if (answer instanceof Error) throw answer;
    return { ...outcomeOf(command), ...answer };
  }

  async executeMany(commands: readonly ClientCommand[], context: CommandContext): Promise<BatchResult[]> {
    this.batches.push(commands);
    this.executed.push(...commands);
    this.contexts.push(context);
    return commands.map((command) => {
      const answer = this.answer(command);
      return answer instanceof Error ? { ok: false, error: answer } : { ok: true, outcome: { ...outcomeOf(command), ...answer } };
    });
  }
}

function outcomeOf(command: ClientCommand): CommandOutcome {
  return { type: command.type, accountId: command.accountId, commandId: command.commandId ?? null, duplicate: false, events: [], position: null };
}
