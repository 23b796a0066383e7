import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keyId, openSecret, sealSecret, secretFingerprint, SecretUnreadableError } from './secret-box.js';
import { resolveSecretKey, SECRET_KEY_FILE, SecretKeyMissingError, type SecretKey } from './secret-key.js';
import { isValidSignature, signatureOf } from './signature.js';

const key = (fill: number): SecretKey => ({ bytes: new Uint8Array(32).fill(fill), origin: `test key ${fill}` });

describe('sealed webhook secrets (AES-256-GCM)', () => {
  it('open only with the key and for the webhook they were sealed for; the sealed text does not contain the secret', () => {
    const sealed = sealSecret(key(1), 'topsecret', 'acme\nw1\nfp');
    expect(sealed).not.toContain('topsecret');
    expect(sealed).not.toContain(Buffer.from('topsecret').toString('base64'));
    expect(openSecret(key(1), sealed, 'acme\nw1\nfp')).toBe('topsecret');
    expect(() => openSecret(key(1), sealed, 'acme\nw2\nfp')).toThrow(SecretUnreadableError);
    expect(() => openSecret(key(2), sealed, 'acme\nw1\nfp')).toThrow(`encrypted with key ${keyId(key(1))}`);
  });

  it('seal the same secret differently each time (fresh nonce)', () => {
    expect(sealSecret(key(1), 's', 'b')).not.toBe(sealSecret(key(1), 's', 'b'));
  });

  it('fingerprints are keyed: stable under one key, different under another, and never the secret', () => {
    expect(secretFingerprint(key(1), 'topsecret')).toBe(secretFingerprint(key(1), 'topsecret'));
    expect(secretFingerprint(key(1), 'topsecret')).not.toBe(secretFingerprint(key(2), 'topsecret'));
    expect(secretFingerprint(key(1), 'topsecret')).toMatch(/^hmac-sha256:[0-9a-f]{32}$/);
  });
});

describe('the secret key', () => {
  it('LEDGER_SECRET_KEY wins; PostgreSQL without it is refused with a clear message', () => {
    expect(resolveSecretKey({ secretKey: key(7).bytes, dataDir: '/nonexistent' }).origin).toBe('LEDGER_SECRET_KEY');
    expect(() => resolveSecretKey({ databaseUrl: 'postgres://x', dataDir: '/nonexistent' })).toThrow(SecretKeyMissingError);
  });

  it('the embedded store generates one in the data dir, readable by its owner only, and keeps it', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'ledger-key-'));
    try {
      const first = resolveSecretKey({ dataDir });
      const file = join(dataDir, SECRET_KEY_FILE);
      expect(first.origin).toBe(file);
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      expect(Buffer.from((await readFile(file, 'utf8')).trim(), 'base64')).toHaveLength(32);
      expect(resolveSecretKey({ dataDir }).bytes).toEqual(first.bytes);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe('Ledger-Signature', () => {
  it('is sha256= and the hex HMAC-SHA256 of the raw body with the secret', () => {
    // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
    expect(signatureOf('what do ya want for nothing?', 'Jefe')).toBe('sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
    expect(isValidSignature('{"a":1}', 's', signatureOf('{"a":1}', 's'))).toBe(true);
    expect(isValidSignature('{"a":2}', 's', signatureOf('{"a":1}', 's'))).toBe(false);
    expect(isValidSignature('{"a":1}', 's', undefined)).toBe(false);
  });
});
