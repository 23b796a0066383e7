import { DomainError } from '../../domain/src/errors.js';
import { IN_MEMORY, openDatabase, type LedgerDatabase } from '../../database/src/database.js';
import { WebhookSecretVault } from '../../webhooks/src/webhook-secret-vault.js';
import type { WebhookTables } from '../../webhooks/src/webhook-tables.js';
import { WebhookRegistration } from './webhook-registration.js';
import { query } from '../../database/src/testing/query.js';

describe('WebhookRegistration (the secret is sealed apart; the decider sees its fingerprint)', () => {
  let database: LedgerDatabase;
  let vault: WebhookSecretVault;
  const key = { bytes: new Uint8Array(32).fill(9), origin: 'test' };
  const register = { type: 'RegisterWebhook', accountId: 'acme', webhookId: 'w1', url: 'https://hooks.example.com/x', secret: 'topsecret' } as const;
  const publicHost = async () => [{ address: '93.184.216.34', family: 4 }];

  beforeAll(async () => {
    database = await openDatabase({ dataDir: IN_MEMORY });
    vault = new WebhookSecretVault(database.kysely<WebhookTables>(), () => key);
  });
  afterAll(() => database.close());

  it('stores the secret sealed and hands the decider the fingerprint instead', async () => {
    const registration = new WebhookRegistration(vault, { allowHttp: false, allowPrivate: false }, publicHost);
    const prepared = await registration.prepare(register);
    expect(prepared.command).toEqual({
      type: 'RegisterWebhook',
      accountId: 'acme',
      webhookId: 'w1',
      url: 'https://hooks.example.com/x',
      secretFingerprint: vault.fingerprint('topsecret'),
    });
    expect(JSON.stringify(prepared.command)).not.toContain('topsecret');
    const rows = await query<{ sealed: string }>(database, 'SELECT sealed FROM webhook_secrets');
    expect(rows).toHaveLength(1);
    expect(rows[0].sealed).not.toContain('topsecret');
    expect(await vault.reveal('acme', 'w1', vault.fingerprint('topsecret'))).toBe('topsecret');

    // Refused by the ledger: the secret stored for it goes; a second preparation of the same secret does not remove the first.
    const again = await registration.prepare(register);
    await again.discard();
    expect(await vault.reveal('acme', 'w1', vault.fingerprint('topsecret'))).toBe('topsecret');
    await prepared.discard();
    expect(await vault.reveal('acme', 'w1', vault.fingerprint('topsecret'))).toBeNull();
  });

  it('checks the URL policy before storing anything (VALIDATION_FAILED naming url)', async () => {
    const registration = new WebhookRegistration(vault, { allowHttp: false, allowPrivate: false }, async () => [{ address: '127.0.0.1', family: 4 }]);
    const error = await registration.prepare({ ...register, webhookId: 'w2' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).errors.map((e) => e.path)).toEqual(['url']);
    expect(await query(database, "SELECT 1 FROM webhook_secrets WHERE webhook_id = 'w2'")).toEqual([]);
  });

  it('passes every other command through untouched', async () => {
    const registration = new WebhookRegistration(vault, { allowHttp: false, allowPrivate: false }, publicHost);
    const command = { type: 'RemoveWebhook', accountId: 'acme', webhookId: 'w1' } as const;
    expect((await registration.prepare(command)).command).toBe(command);
  });
});
