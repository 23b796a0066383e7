import { id as idRule } from '../../ledger/src/validation/field-rules.js';
import { generateToken, isKeyId, parseToken, secretMatches } from './api-key-token.js';
import { API_KEY_ROLES, isApiKeyRole, isGlobalRole, type ApiKeyRole } from './roles.js';

/** An API key as it is listed: never its secret, nor the secret's hash. */
export interface ApiKey {
  readonly keyId: string;
  /** The account the key is scoped to; `null` for a global (operator) key. */
  readonly accountId: string | null;
  readonly role: ApiKeyRole;
  readonly createdAt: string;
  readonly revokedAt: string | null;
}

/** A key as it is stored: with the SHA-256 of its secret. */
export interface StoredApiKey extends ApiKey {
  readonly secretHash: string;
}

export interface CreateApiKey {
  readonly role: string;
  /** Required for every role but `operator`, which is global and takes none. */
  readonly accountId?: string | null;
}

export interface CreatedApiKey {
  readonly key: ApiKey;
  /** `llk_<keyId>_<secret>`: shown once, never stored. */
  readonly token: string;
}

/** A key request the store refuses (unknown role, operator with an account, …): the message says why. */
export class ApiKeyRequestError extends Error {
  override readonly name = 'ApiKeyRequestError';
}

/**
 * API keys (SPEC §6, Security): created with a random secret, stored hashed, authenticated in
 * constant time, revoked for good. Subclasses hold the rows (SQL table, or memory in tests); the
 * secret never reaches them, only its hash.
 */
export abstract class ApiKeyStore {
  protected abstract insert(key: StoredApiKey): Promise<void>;
  protected abstract find(keyId: string): Promise<StoredApiKey | null>;
  /** Sets `revokedAt` unless already set; answers the row as it is afterwards (null: no such key). */
  protected abstract markRevoked(keyId: string, at: string): Promise<StoredApiKey | null>;
  /** Every key (or the account's), oldest first. */
  abstract list(filter?: { readonly accountId?: string }): Promise<ApiKey[]>;
  /** Keys that are not revoked. */
  abstract countActive(): Promise<number>;

  protected now(): Date {
    return new Date();
  }

  async create(request: CreateApiKey): Promise<CreatedApiKey> {
    const { role } = request;
    const accountId = request.accountId ?? null;
    if (!isApiKeyRole(role)) {
      throw new ApiKeyRequestError(`unknown role '${role}'; the roles are ${API_KEY_ROLES.join(', ')}`);
    }
    if (isGlobalRole(role) && accountId !== null) {
      throw new ApiKeyRequestError(`an ${role} key is global: it takes no account`);
    }
    if (!isGlobalRole(role) && accountId === null) {
      throw new ApiKeyRequestError(`an ${role} key belongs to one account: give the account (without one, only an operator key can be created)`);
    }
    if (accountId !== null) {
      const broken = idRule(accountId);
      if (broken) throw new ApiKeyRequestError(`account id ${broken}`);
    }
    const { keyId, token, secretHash } = generateToken();
    const key: ApiKey = { keyId, accountId, role, createdAt: this.now().toISOString(), revokedAt: null };
    await this.insert({ ...key, secretHash });
    return { key, token };
  }

  /** The active key a bearer token stands for; `null` when it is malformed, unknown, wrong or revoked. */
  async authenticate(token: string): Promise<ApiKey | null> {
    const parsed = parseToken(token);
    if (!parsed) return null;
    const stored = await this.find(parsed.keyId);
    if (!stored || !secretMatches(parsed.secret, stored.secretHash) || stored.revokedAt !== null) return null;
    return publicView(stored);
  }

  /**
   * Revokes a key, named by its id or its whole token (which must then be right). Revoking a
   * revoked key changes nothing. Answers the key, or null when there is no such key.
   */
  async revoke(keyIdOrToken: string): Promise<ApiKey | null> {
    let keyId = keyIdOrToken;
    const parsed = parseToken(keyIdOrToken);
    if (parsed) {
      const stored = await this.find(parsed.keyId);
      if (!stored || !secretMatches(parsed.secret, stored.secretHash)) return null;
      keyId = parsed.keyId;
    } else if (!isKeyId(keyIdOrToken)) {
      return null;
    }
    const revoked = await this.markRevoked(keyId, this.now().toISOString());
    return revoked ? publicView(revoked) : null;
  }
}

export function publicView({ keyId, accountId, role, createdAt, revokedAt }: StoredApiKey): ApiKey {
  return { keyId, accountId, role, createdAt, revokedAt };
}
