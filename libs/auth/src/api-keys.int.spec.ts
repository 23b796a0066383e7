import { IN_MEMORY, openDatabase, type LedgerDatabase } from '../../database/src/database.js';
import { freshTestSchema, type TestSchema } from '../../database/src/testing/test-postgres.js';
import { hashSecret, parseToken, secretMatches } from './api-key-token.js';
import { ApiKeyRequestError } from './api-keys.js';
import { API_KEYS_TABLE, SqlApiKeyStore } from './sql-api-key-store.js';
import { InMemoryApiKeyStore } from './testing/in-memory-api-key-store.js';
import { query } from '../../database/src/testing/query.js';

describe('API key tokens', () => {
  it('are llk_<keyId>_<secret> with a 32-byte secret, checked in constant time against its SHA-256', async () => {
    const { token, key } = await new InMemoryApiKeyStore().create({ role: 'operator' });
    expect(token).toMatch(/^llk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    const parsed = parseToken(token)!;
    expect(parsed.keyId).toBe(key.keyId);
    expect(Buffer.from(parsed.secret, 'base64url')).toHaveLength(32);
    expect(secretMatches(parsed.secret, hashSecret(parsed.secret))).toBe(true);
    expect(secretMatches(`${parsed.secret.slice(0, -1)}A`, hashSecret(parsed.secret))).toBe(parsed.secret.endsWith('A'));
  });

  it.each(['', 'llk_', 'Bearer x', 'llk_0123456789abcdef_short', `llk_0123456789ABCDEF_${'a'.repeat(43)}`])(
    'rejects the malformed token %j',
    (token) => {
      expect(parseToken(token)).toBeNull();
    },
  );
});

describe.each(['pglite', 'postgres'] as const)('SqlApiKeyStore on %s', (kind) => {
  let db: LedgerDatabase;
  let schema: TestSchema | undefined;
  let keys: SqlApiKeyStore;

  beforeAll(async () => {
    if (kind === 'postgres') {
      schema = freshTestSchema('api_keys');
      db = await schema.open();
    } else {
      db = await openDatabase({ dataDir: IN_MEMORY });
    }
    keys = await SqlApiKeyStore.open(db);
    await SqlApiKeyStore.open(db); // idempotent
  });
  afterAll(async () => {
    await db.close();
    await schema?.drop();
  });

  it('creates account keys and global operator keys, and authenticates their tokens', async () => {
    const admin = await keys.create({ accountId: 'acme', role: 'account-admin' });
    const operator = await keys.create({ role: 'operator' });
    expect(admin.key).toEqual({
      keyId: expect.stringMatching(/^[0-9a-f]{16}$/),
      accountId: 'acme',
      role: 'account-admin',
      createdAt: expect.any(String),
      revokedAt: null,
    });
    expect(await keys.authenticate(admin.token)).toEqual(admin.key);
    expect(await keys.authenticate(operator.token)).toEqual({ ...operator.key, accountId: null });
  });

  it('never stores a token, nor its secret, in clear', async () => {
    const { token } = await keys.create({ accountId: 'acme', role: 'auditor' });
    const { keyId, secret } = parseToken(token)!;
    const rows = await query<Record<string, unknown>>(db, `SELECT * FROM ${API_KEYS_TABLE} WHERE key_id = $1`, [keyId]);
    expect(rows).toHaveLength(1);
    expect(Object.keys(rows[0]).sort()).toEqual(['account_id', 'created_at', 'key_id', 'revoked_at', 'role', 'secret_hash']);
    const dump = JSON.stringify(await query(db, `SELECT * FROM ${API_KEYS_TABLE}`));
    expect(dump).not.toContain(secret);
    expect(dump).not.toContain(token);
    expect(rows[0].secret_hash).toBe(hashSecret(secret));
  });

  it('refuses wrong, unknown and malformed tokens', async () => {
    const { token } = await keys.create({ accountId: 'acme', role: 'ingest' });
    const { keyId, secret } = parseToken(token)!;
    const flipped = `llk_${keyId}_${secret.startsWith('A') ? 'B' : 'A'}${secret.slice(1)}`;
    expect(await keys.authenticate(flipped)).toBeNull();
    expect(await keys.authenticate(`llk_0000000000000000_${secret}`)).toBeNull();
    expect(await keys.authenticate(keyId)).toBeNull();
    expect(await keys.authenticate('')).toBeNull();
  });

  it('revokes by key id or by token, for good; revoking again changes nothing', async () => {
    const first = await keys.create({ accountId: 'acme', role: 'account-admin' });
    const second = await keys.create({ accountId: 'acme', role: 'account-admin' });
    const active = await keys.countActive();

    const revoked = await keys.revoke(first.key.keyId);
    expect(revoked).toMatchObject({ keyId: first.key.keyId, revokedAt: expect.any(String) });
    expect(await keys.authenticate(first.token)).toBeNull();
    expect(await keys.revoke(first.key.keyId)).toEqual(revoked);

    expect(await keys.revoke(second.token)).toMatchObject({ keyId: second.key.keyId });
    expect(await keys.authenticate(second.token)).toBeNull();
    expect(await keys.countActive()).toBe(active - 2);

    expect(await keys.revoke('0000000000000000')).toBeNull();
    expect(await keys.revoke('no such key')).toBeNull();
    const { key, token } = await keys.create({ role: 'operator' });
    const wrong = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    expect(await keys.revoke(wrong)).toBeNull();
    expect(await keys.authenticate(token)).toMatchObject({ keyId: key.keyId });
  });

  it('lists keys without secrets, for all accounts or one', async () => {
    const other = await keys.create({ accountId: 'globex', role: 'auditor' });
    const listed = await keys.list({ accountId: 'globex' });
    expect(listed).toEqual([other.key]);
    const all = await keys.list();
    expect(all.length).toBeGreaterThan(1);
    expect(JSON.stringify(all)).not.toMatch(/secret|llk_/);
  });

  it.each([
    [{ role: 'account-admin' }, /belongs to one account.*only an operator key/],
    [{ role: 'auditor', accountId: null }, /belongs to one account/],
    [{ role: 'operator', accountId: 'acme' }, /global: it takes no account/],
    [{ role: 'root', accountId: 'acme' }, /unknown role 'root'; the roles are account-admin, auditor, ingest, operator/],
    [{ role: 'ingest', accountId: ' ' }, /account id must not be empty/],
  ])('refuses %j', async (request, message) => {
    await expect(keys.create(request)).rejects.toThrow(ApiKeyRequestError);
    await expect(keys.create(request)).rejects.toThrow(message);
  });

  it('the table itself refuses an operator key with an account, or an unknown role', async () => {
    await expect(
      query(db, `INSERT INTO ${API_KEYS_TABLE} (key_id, secret_hash, account_id, role, created_at) VALUES ('x', 'h', 'acme', 'operator', now())`),
    ).rejects.toThrow();
    await expect(
      query(db, `INSERT INTO ${API_KEYS_TABLE} (key_id, secret_hash, account_id, role, created_at) VALUES ('y', 'h', 'acme', 'root', now())`),
    ).rejects.toThrow();
  });
});
