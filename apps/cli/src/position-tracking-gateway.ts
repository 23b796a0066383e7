import { comparePositions, parsePosition, type LogPosition } from '../../../libs/event-store/src/event-store.js';
import {
  CommandGateway,
  type BatchResult,
  type CommandContext,
  type CommandOutcome,
  type ClientCommand,
} from '../../../libs/ledger/src/command-gateway.js';

/** Passes commands on and remembers the furthest log position an accepted one appended to. */
export class PositionTrackingGateway extends CommandGateway {
  #last: LogPosition | null = null;

  constructor(private readonly inner: CommandGateway) {
    super();
  }

  get lastPosition(): LogPosition | null {
    return this.#last;
  }

  async execute(command: ClientCommand, context: CommandContext): Promise<CommandOutcome> {
    const outcome = await this.inner.execute(command, context);
    this.#note(outcome.position);
    return outcome;
  }

  async executeMany(commands: readonly ClientCommand[], context: CommandContext): Promise<BatchResult[]> {
    const results = await this.inner.executeMany(commands, context);
    for (const result of results) if (result.ok) this.#note(result.outcome.position);
    return results;
  }

  #note(position: string | null): void {
    if (position === null) return;
    const appended = parsePosition(position);
    if (comparePositions(appended, this.#last) > 0) this.#last = appended;
  }
}
