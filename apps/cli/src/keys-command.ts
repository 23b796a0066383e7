import { Command } from 'commander';
import { ApiKeyRequestError, type ApiKey, type ApiKeyStore } from '../../../libs/auth/src/api-keys.js';
import { API_KEY_ROLES } from '../../../libs/auth/src/roles.js';
import { SqlApiKeyStore } from '../../../libs/auth/src/sql-api-key-store.js';
import type { LedgerConfig } from '../../../libs/platform/src/config.js';
import { openDatabase } from '../../../libs/database/src/database.js';
import { EXIT } from './exit-codes.js';
import { answer, requiredOption } from './command-kit.js';
import { textTable } from './text-table.js';
import type { Output } from './output.js';

/** Opens the key store, runs `work`, closes it: the seam the command is tested through. */
export type KeyStoreOpener = <T>(work: (keys: ApiKeyStore) => Promise<T>) => Promise<T>;

/**
 * `ledger keys create|revoke|list`. Bad usage (or a key request the store refuses) → exit 2;
 * revoking an unknown key → exit 1.
 */
export function keysCommand(out: Output, open: KeyStoreOpener): Command {
  const keys = new Command('keys')
    .summary('create, list and revoke API keys')
    .description('API keys of the HTTP API: stored hashed, each for one account (or global, for operators), with a role.');
  answer(
    keys
      .command('create')
      .description('Create an API key. Prints the token alone on its last line, once.')
      .option('--account <id>', 'the account the key belongs to (omit for a global operator key)')
      .addOption(requiredOption('--role <role>', 'what the key may do').choices(API_KEY_ROLES)),
    async (self) => {
      const { role, account } = self.opts<{ role: string; account?: string }>();
      return open(async (store) => {
        try {
          const { key, token } = await store.create({ role, accountId: account ?? null });
          out.stdout.write(
            `Created ${key.role} key ${key.keyId} ${key.accountId === null ? '(global)' : `for account ${key.accountId}`}.\n` +
              'Send it as "Authorization: Bearer <token>". The token is shown only this once; it is stored hashed:\n' +
              `${token}\n`,
          );
          return EXIT.OK;
        } catch (error) {
          if (!(error instanceof ApiKeyRequestError)) throw error;
          out.stderr.write(`ledger keys create: ${error.message}\n`);
          return EXIT.INVALID_INPUT;
        }
      });
    },
  );
  answer(
    keys
      .command('list')
      .description('The keys: id, account, role, created, revoked (never a secret).')
      .option('--account <id>', "only this account's keys"),
    async (self) => {
      const { account } = self.opts<{ account?: string }>();
      return open(async (store) => {
        out.stdout.write(formatKeys(await store.list({ accountId: account })));
        return EXIT.OK;
      });
    },
  );
  answer(keys.command('revoke').description('Revoke a key for good.').argument('<KEY>', 'the key id, or the token itself'), async (self) => {
    const keyOrToken = self.processedArgs[0] as string;
    return open(async (store) => {
      const key = await store.revoke(keyOrToken);
      if (key === null) {
        out.stderr.write('ledger keys revoke: no such API key\n');
        return EXIT.FAILURE;
      }
      out.stdout.write(`Revoked key ${key.keyId} (${key.role}${key.accountId === null ? '' : `, account ${key.accountId}`}) at ${key.revokedAt}\n`);
      return EXIT.OK;
    });
  });
  return keys;
}

/** A table of keys (never a secret): one row per key, oldest first. */
export function formatKeys(keys: readonly ApiKey[]): string {
  return textTable(
    ['KEY ID', 'ACCOUNT', 'ROLE', 'CREATED', 'REVOKED'],
    keys.map((k) => [k.keyId, k.accountId ?? '(global)', k.role, k.createdAt, k.revokedAt ?? '-']),
  );
}

/** The key store of the configured SQL database (embedded PGlite or PostgreSQL); no ledger, no server. */
export function keyStoreOf(config: LedgerConfig): KeyStoreOpener {
  return async (work) => {
    const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, schema: config.databaseSchema });
    try {
      return await work(await SqlApiKeyStore.open(database));
    } finally {
      await database.close();
    }
  };
}
