import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The `Ledger-Signature` header of a delivery (SPEC §9, docs/webhooks.md): `sha256=` and the hex
 * HMAC-SHA256 of the raw request body, keyed with the webhook's secret (its UTF-8 bytes).
 */
export function signatureOf(body: string | Uint8Array, secret: string): string {
  return `sha256=${createHmac('sha256', Buffer.from(secret, 'utf8')).update(body).digest('hex')}`;
}

/** What a receiver does: recompute and compare in constant time. */
export function isValidSignature(body: string | Uint8Array, secret: string, header: string | undefined): boolean {
  if (header === undefined) return false;
  const expected = Buffer.from(signatureOf(body, secret), 'utf8');
  const given = Buffer.from(header.trim(), 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
