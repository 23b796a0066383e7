import { parseArgs } from 'node:util';
import { ApiKeyRequestError, type ApiKey, type ApiKeyStore } from '../../../libs/auth/src/api-keys.js';
import { API_KEY_ROLES } from '../../../libs/auth/src/roles.js';
import { SqlApiKeyStore } from '../../../libs/auth/src/sql-api-key-store.js';
import type { LedgerConfig } from '../../../libs/platform/src/config.js';
import { openDatabase } from '../../../libs/database/src/database.js';
import { EXIT } from './exit-codes.js';
import { isParseArgsError } from './parse-args-error.js';
import type { Output } from './output.js';

export const KEYS_USAGE = 'keys create [--account ID] --role ROLE\n'
  + `                       Create an API key (${API_KEY_ROLES.join(', ')}); without --account only a global\n`
  + '                       operator key. Prints the token alone on its last line, once\n'
  + '  keys list [--account ID]\n'
  + '                       The keys: id, account, role, created, revoked (never a secret)\n'
  + '  keys revoke KEY_ID|TOKEN\n'
  + '                       Revoke a key for good';

/** Opens the key store, runs `work`, closes it: the seam the command is tested through. */
export type KeyStoreOpener = <T>(work: (keys: ApiKeyStore) => Promise<T>) => Promise<T>;

type KeysAction =
  | { readonly action: 'create'; readonly role: string; readonly accountId: string | null }
  | { readonly action: 'revoke'; readonly key: string }
  | { readonly action: 'list'; readonly accountId: string | undefined };

class KeysUsageError extends Error {}

export function parseKeysArguments(args: readonly string[]): KeysAction {
  const { values, positionals } = parseArgs({
    args: [...args], allowPositionals: true, strict: true,
    options: { account: { type: 'string' }, role: { type: 'string' } },
  });
  const [action, ...rest] = positionals;
  const noMore = (expected: number) => {
    if (rest.length > expected) throw new KeysUsageError(`unexpected argument '${rest[expected]}'`);
  };
  switch (action) {
    case 'create':
      noMore(0);
      if (values.role === undefined) throw new KeysUsageError(`--role ROLE is required (${API_KEY_ROLES.join(', ')})`);
      return { action, role: values.role, accountId: values.account ?? null };
    case 'revoke':
      if (values.account !== undefined || values.role !== undefined) throw new KeysUsageError('revoke takes only KEY_ID or TOKEN');
      if (rest.length === 0) throw new KeysUsageError('expected KEY_ID or TOKEN');
      noMore(1);
      return { action, key: rest[0]! };
    case 'list':
      noMore(0);
      if (values.role !== undefined) throw new KeysUsageError('list takes only --account');
      return { action, accountId: values.account };
    case undefined:
      throw new KeysUsageError('expected create, revoke or list');
    default:
      throw new KeysUsageError(`unknown keys command '${action}'; expected create, revoke or list`);
  }
}

/**
 * `ledger keys create|revoke|list`. Bad usage (or a key request the store refuses) → exit 2;
 * revoking an unknown key → exit 1.
 */
export async function keysCommand(args: readonly string[], out: Output, open: KeyStoreOpener): Promise<number> {
  let parsed: KeysAction;
  try {
    parsed = parseKeysArguments(args);
  } catch (error) {
    if (!(error instanceof KeysUsageError) && !isParseArgsError(error)) throw error;
    out.stderr.write(`ledger keys: ${(error as Error).message}\nUsage: ledger ${KEYS_USAGE}\n`);
    return EXIT.INVALID_INPUT;
  }
  return open(async (keys) => {
    switch (parsed.action) {
      case 'create': {
        try {
          const { key, token } = await keys.create({ role: parsed.role, accountId: parsed.accountId });
          out.stdout.write(`Created ${key.role} key ${key.keyId} ${key.accountId === null ? '(global)' : `for account ${key.accountId}`}.\n`
            + 'Send it as "Authorization: Bearer <token>". The token is shown only this once; it is stored hashed:\n'
            + `${token}\n`);
          return EXIT.OK;
        } catch (error) {
          if (!(error instanceof ApiKeyRequestError)) throw error;
          out.stderr.write(`ledger keys create: ${error.message}\n`);
          return EXIT.INVALID_INPUT;
        }
      }
      case 'revoke': {
        const key = await keys.revoke(parsed.key);
        if (key === null) {
          out.stderr.write('ledger keys revoke: no such API key\n');
          return EXIT.FAILURE;
        }
        out.stdout.write(`Revoked key ${key.keyId} (${key.role}${key.accountId === null ? '' : `, account ${key.accountId}`}) at ${key.revokedAt}\n`);
        return EXIT.OK;
      }
      case 'list': {
        out.stdout.write(formatKeys(await keys.list({ accountId: parsed.accountId })));
        return EXIT.OK;
      }
    }
  });
}

/** A table of keys (never a secret): one row per key, oldest first. */
export function formatKeys(keys: readonly ApiKey[]): string {
  const header = ['KEY ID', 'ACCOUNT', 'ROLE', 'CREATED', 'REVOKED'];
  const rows = keys.map((k) => [k.keyId, k.accountId ?? '(global)', k.role, k.createdAt, k.revokedAt ?? '-']);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `${cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()}\n`;
  return [header, ...rows].map(line).join('');
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
