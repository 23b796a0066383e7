import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';
import type { SecretKey } from './secret-key.js';

/**
 * Webhook secrets at rest: AES-256-GCM with a fresh 96-bit nonce per secret, bound (as additional
 * authenticated data) to the account, webhook and fingerprint it belongs to, so a sealed secret
 * cannot be moved to another row. The sealed text names the key it was sealed with.
 */
const VERSION = 'v1';

/** A short public name of a key: a sealed secret tells which key it needs without revealing it. */
export function keyId(key: SecretKey): string {
  return createHash('sha256').update('license-ledger key id\n').update(key.bytes).digest('hex').slice(0, 12);
}

/**
 * The fingerprint an event records instead of the secret: HMAC-SHA256 under the ledger's key, so
 * that reading the log (auditors can) gives no way to test guesses of a weak secret.
 */
export function secretFingerprint(key: SecretKey, secret: string): string {
  return `hmac-sha256:${createHmac('sha256', key.bytes).update('webhook secret\n').update(secret, 'utf8').digest('hex').slice(0, 32)}`;
}

export function sealSecret(key: SecretKey, secret: string, binding: string): string {
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key.bytes, nonce);
  cipher.setAAD(Buffer.from(binding, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return [VERSION, keyId(key), nonce.toString('base64'), cipher.getAuthTag().toString('base64'), ciphertext.toString('base64')].join('.');
}

export class SecretUnreadableError extends Error {}

export function openSecret(key: SecretKey, sealed: string, binding: string): string {
  const [version, sealedKeyId, nonce, tag, ciphertext] = sealed.split('.');
  if (version !== VERSION || ciphertext === undefined) throw new SecretUnreadableError('the sealed secret is not in a format this version reads');
  if (sealedKeyId !== keyId(key)) {
    throw new SecretUnreadableError(
      `the secret was encrypted with key ${sealedKeyId}, but ${key.origin} is key ${keyId(key)}: restore the key it was sealed with, or register the webhook again`,
    );
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', key.bytes, Buffer.from(nonce, 'base64'));
    decipher.setAAD(Buffer.from(binding, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64')), decipher.final()]).toString('utf8');
  } catch {
    throw new SecretUnreadableError('the sealed secret does not authenticate (altered, or sealed for another webhook)');
  }
}
