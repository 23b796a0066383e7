import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * API key tokens: `llk_<keyId>_<secret>`. The key id (16 hex digits) is public — it names the key
 * in listings, revocations and the `actor` of events; the secret (32 random bytes, base64url) is
 * shown once, when the key is created, and only its SHA-256 is stored. A plain hash is enough for
 * a 256-bit random secret: there is nothing to guess, so no slow, salted hash is needed.
 */
export const TOKEN_PREFIX = 'llk_';
export const SECRET_BYTES = 32;
const KEY_ID_BYTES = 8;

const TOKEN_PATTERN = /^llk_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;
const KEY_ID_PATTERN = /^[0-9a-f]{16}$/;

export interface NewToken {
  readonly keyId: string;
  readonly token: string;
  /** SHA-256 of the secret, hex: what is stored. */
  readonly secretHash: string;
}

export function generateToken(): NewToken {
  const keyId = randomBytes(KEY_ID_BYTES).toString('hex');
  const secret = randomBytes(SECRET_BYTES).toString('base64url');
  return { keyId, token: `${TOKEN_PREFIX}${keyId}_${secret}`, secretHash: hashSecret(secret) };
}

/** The key id and secret of a well-formed token; `null` for anything else. */
export function parseToken(token: string): { keyId: string; secret: string } | null {
  const match = TOKEN_PATTERN.exec(token);
  return match ? { keyId: match[1], secret: match[2] } : null;
}

export function isKeyId(value: string): boolean {
  return KEY_ID_PATTERN.test(value);
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Whether `secret` hashes to `storedHash`, compared in constant time. */
export function secretMatches(secret: string, storedHash: string): boolean {
  const expected = Buffer.from(storedHash, 'hex');
  const actual = createHash('sha256').update(secret, 'utf8').digest();
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
