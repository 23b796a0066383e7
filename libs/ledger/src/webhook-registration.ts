import { checkWebhookUrl, type ResolveHost, type WebhookUrlRules } from '../../webhooks/src/address-policy.js';
import type { WebhookSecretVault } from '../../webhooks/src/webhook-secret-vault.js';
import type { ClientCommand, IncomingCommand } from './command-gateway.js';

/** A command ready for the decider, and how to undo what preparing it stored if the ledger refuses it. */
export interface PreparedCommand {
  readonly command: IncomingCommand;
  discard(): Promise<void>;
}

const NOTHING_TO_DISCARD = async (): Promise<void> => {};

/**
 * Turns a client's command into the one the decider sees. Only RegisterWebhook changes: its URL is
 * checked against the webhook policy (scheme, public addresses; VALIDATION_FAILED naming `url`), its
 * secret sealed into the vault, and the command decided with the secret's fingerprint. A secret stored
 * for a registration the ledger then refuses is discarded (unless it was stored before).
 */
export class WebhookRegistration {
  constructor(
    private readonly vault: WebhookSecretVault,
    private readonly rules: WebhookUrlRules,
    private readonly resolve?: ResolveHost,
  ) {}

  async prepare(command: ClientCommand): Promise<PreparedCommand> {
    if (command.type !== 'RegisterWebhook') return { command, discard: NOTHING_TO_DISCARD };
    const { secret, ...rest } = command;
    await checkWebhookUrl(command.url, this.rules, this.resolve);
    const { fingerprint, created } = await this.vault.store(command.accountId, command.webhookId, secret);
    return {
      command: { ...rest, secretFingerprint: fingerprint },
      discard: created ? () => this.vault.discard(command.accountId, command.webhookId, fingerprint) : NOTHING_TO_DISCARD,
    };
  }
}
