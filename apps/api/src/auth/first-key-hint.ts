import type { ApiKeyStore } from '../../../../libs/auth/src/api-keys.js';

/**
 * What `ledger serve` prints when no API key is active: every `/v1` route answers 401 until one
 * is created. Null when there is a key.
 */
export async function firstKeyHint(keys: ApiKeyStore, embedded: boolean): Promise<string | null> {
  if ((await keys.countActive()) > 0) return null;
  return (
    'No API key yet: every /v1 route answers 401 until one exists. Create the first with\n' +
    '  npx ledger keys create --account <id> --role account-admin\n' +
    '(it prints the token on its last line; send it as "Authorization: Bearer <token>")' +
    (embedded ? '.\nOn the embedded store, run it beside this server: it goes through the server.' : '.')
  );
}
