import type { LedgerCommand, RegisterWebhook } from '../../domain/src/commands.js';
import type { CommandOutcome } from '../../contracts/src/index.js';

/** A validated command before the ledger fills in `at` (default: now). */
export type IncomingCommand = LedgerCommand extends infer C ? (C extends LedgerCommand ? Omit<C, 'at'> & { readonly at?: string } : never) : never;

/**
 * RegisterWebhook as a client sends it: with the secret. The ledger stores the secret apart
 * (encrypted, outside the log) and decides the command with the secret's fingerprint instead.
 */
export type RegisterWebhookRequest = Omit<RegisterWebhook, 'at' | 'secretFingerprint'> & { readonly at?: string; readonly secret: string };

/** Every command that reaches the decider as the client sent it (all but RegisterWebhook). */
export type SecretFreeCommand = Exclude<IncomingCommand, { readonly type: 'RegisterWebhook' }>;

/** A validated command as a client sends it (HTTP body, NDJSON line): what the gateway takes. */
export type ClientCommand = SecretFreeCommand | RegisterWebhookRequest;

/** Who sent a command and why: becomes the metadata of its events (SPEC §3). */
export interface CommandContext {
  /** API key id, or `cli`. */
  readonly actor: string;
  readonly correlationId?: string;
  readonly causationId?: string;
}

/** What a command answers: the shared body type of libs/contracts. */
export type { CommandOutcome, RecordedEvent } from '../../contracts/src/index.js';

/** Per command of a batch: its outcome, or the rule it broke (a `DomainError`). */
export type BatchResult =
  { readonly ok: true; readonly outcome: CommandOutcome } | { readonly ok: false; readonly error: import('../../domain/src/errors.js').DomainError };

/**
 * The write side as the interfaces (HTTP, CLI, import) see it. Rejections are thrown as
 * `DomainError` (with the SPEC code); nothing is appended for them, except a start denied for
 * capacity, which records SessionDenied / ApplicationDenied and still throws.
 */
export abstract class CommandGateway {
  abstract execute(command: ClientCommand, context: CommandContext): Promise<CommandOutcome>;

  /**
   * Applies commands in order, appending in batches (bulk import). Each command is decided
   * against the state left by the ones before it; results come back in the same order.
   */
  abstract executeMany(commands: readonly ClientCommand[], context: CommandContext): Promise<BatchResult[]>;
}
