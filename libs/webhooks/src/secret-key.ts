import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The key webhook secrets are encrypted with (AES-256-GCM) and fingerprinted with (HMAC-SHA256). */
export interface SecretKey {
  readonly bytes: Uint8Array;
  /** Where it came from, for messages: `LEDGER_SECRET_KEY` or the key file's path. */
  readonly origin: string;
}

export const SECRET_KEY_FILE = 'webhook-secret.key';
const KEY_BYTES = 32;

export interface SecretKeySource {
  /** LEDGER_SECRET_KEY, already decoded by the configuration. */
  readonly secretKey?: Uint8Array;
  /** Set: PostgreSQL holds the data, there is no data dir of ours to keep a key in. */
  readonly databaseUrl?: string;
  readonly dataDir: string;
}

/** Raised when webhooks are used on PostgreSQL without LEDGER_SECRET_KEY. */
export class SecretKeyMissingError extends Error {
  constructor() {
    super(
      'LEDGER_SECRET_KEY is not set: webhook secrets are encrypted with it. Set it to 32 random bytes in base64 ' +
        '(`openssl rand -base64 32`), the same in every process of this ledger',
    );
    this.name = 'SecretKeyMissingError';
  }
}

/**
 * LEDGER_SECRET_KEY when set; else, on the embedded store, the key kept in the data dir (created on
 * first use, readable by its owner only); else (PostgreSQL without a key) SecretKeyMissingError.
 */
export function resolveSecretKey(source: SecretKeySource): SecretKey {
  if (source.secretKey) return { bytes: source.secretKey, origin: 'LEDGER_SECRET_KEY' };
  if (source.databaseUrl) throw new SecretKeyMissingError();
  const path = join(source.dataDir, SECRET_KEY_FILE);
  return { bytes: readOrCreateKeyFile(path), origin: path };
}

function readOrCreateKeyFile(path: string): Uint8Array {
  try {
    return decodeKeyFile(readFileSync(path, 'utf8'), path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(join(path, '..'), { recursive: true });
  try {
    // 'wx': if another process created it meanwhile, keep theirs.
    writeFileSync(path, `${randomBytes(KEY_BYTES).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    chmodSync(path, 0o600); // whatever the umask
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return decodeKeyFile(readFileSync(path, 'utf8'), path);
}

function decodeKeyFile(text: string, path: string): Uint8Array {
  const bytes = Buffer.from(text.trim(), 'base64');
  if (bytes.length !== KEY_BYTES) throw new Error(`${path} does not hold a ${KEY_BYTES}-byte key in base64: restore it, or set LEDGER_SECRET_KEY`);
  return new Uint8Array(bytes);
}
