import type { Kysely } from 'kysely';
import { openSecret, sealSecret, secretFingerprint } from './secret-box.js';
import type { SecretKey } from './secret-key.js';
import type { WebhookTables } from './webhook-tables.js';

/** What a secret is bound to: it opens only for the row it was sealed for. */
const bindingOf = (accountId: string, webhookId: string, fingerprint: string): string => `${accountId}\n${webhookId}\n${fingerprint}`;

/**
 * Webhook secrets, kept outside the log (SPEC §9): sealed with the ledger's key, readable only by the
 * deliverer that signs with them; no route, export or answer returns one.
 */
export class WebhookSecretVault {
  constructor(
    private readonly db: Kysely<WebhookTables>,
    /** The key, resolved on first use (so that nothing needs it until webhooks are used). */
    private readonly key: () => SecretKey,
  ) {}

  fingerprint(secret: string): string {
    return secretFingerprint(this.key(), secret);
  }

  /** Stores the secret of a webhook about to be registered; `created` is false when it was stored already. */
  async store(accountId: string, webhookId: string, secret: string): Promise<{ fingerprint: string; created: boolean }> {
    const key = this.key();
    const fingerprint = secretFingerprint(key, secret);
    const inserted = await this.db
      .insertInto('webhook_secrets')
      .values({
        account_id: accountId,
        webhook_id: webhookId,
        fingerprint,
        sealed: sealSecret(key, secret, bindingOf(accountId, webhookId, fingerprint)),
      })
      .onConflict((conflict) => conflict.columns(['account_id', 'webhook_id', 'fingerprint']).doNothing())
      .returning('fingerprint')
      .executeTakeFirst();
    return { fingerprint, created: inserted !== undefined };
  }

  /** Forgets a secret stored for a registration that was then refused. */
  async discard(accountId: string, webhookId: string, fingerprint: string): Promise<void> {
    await this.db
      .deleteFrom('webhook_secrets')
      .where('account_id', '=', accountId)
      .where('webhook_id', '=', webhookId)
      .where('fingerprint', '=', fingerprint)
      .execute();
  }

  /** The secret a delivery is signed with; null when none is stored for that registration. */
  async reveal(accountId: string, webhookId: string, fingerprint: string): Promise<string | null> {
    const row = await this.db
      .selectFrom('webhook_secrets')
      .select('sealed')
      .where('account_id', '=', accountId)
      .where('webhook_id', '=', webhookId)
      .where('fingerprint', '=', fingerprint)
      .executeTakeFirst();
    return row === undefined ? null : openSecret(this.key(), row.sealed, bindingOf(accountId, webhookId, fingerprint));
  }
}
