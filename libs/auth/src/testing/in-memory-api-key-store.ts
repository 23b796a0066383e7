import { ApiKeyStore, publicView, type ApiKey, type StoredApiKey } from '../api-keys.js';

/** API keys in memory, for interface tests without a database. Holds only hashes, as the SQL store does. */
export class InMemoryApiKeyStore extends ApiKeyStore {
  private readonly keys = new Map<string, StoredApiKey>();

  protected async insert(key: StoredApiKey): Promise<void> {
    this.keys.set(key.keyId, key);
  }

  protected async find(keyId: string): Promise<StoredApiKey | null> {
    return this.keys.get(keyId) ?? null;
  }

  protected async markRevoked(keyId: string, at: string): Promise<StoredApiKey | null> {
    const key = this.keys.get(keyId);
    if (!key) return null;
    if (key.revokedAt === null) this.keys.set(keyId, { ...key, revokedAt: at });
    return this.keys.get(keyId) ?? null;
  }

  async list(filter: { readonly accountId?: string } = {}): Promise<ApiKey[]> {
    return [...this.keys.values()].filter((key) => filter.accountId === undefined || key.accountId === filter.accountId).map(publicView);
  }

  async countActive(): Promise<number> {
    return [...this.keys.values()].filter((key) => key.revokedAt === null).length;
  }
}
