import type { ColumnType, Kysely } from 'kysely';
import type { LedgerDatabase } from '../../database/src/ledger-database.js';
import { ApiKeyStore, publicView, type ApiKey, type StoredApiKey } from './api-keys.js';
import type { ApiKeyRole } from './roles.js';

export const API_KEYS_TABLE = 'ledger_api_keys';

/** Created by libs/database/src/migrations/0003-api-keys.ts. */
export interface ApiKeyTables {
  ledger_api_keys: {
    key_id: string;
    secret_hash: string;
    account_id: string | null;
    role: ApiKeyRole;
    created_at: ColumnType<Date, string, never>;
    revoked_at: ColumnType<Date | null, null, string>;
  };
}

const COLUMNS = ['key_id', 'secret_hash', 'account_id', 'role', 'created_at', 'revoked_at'] as const;

/** API keys in the table `ledger_api_keys` of the ledger's SQL database (PostgreSQL or PGlite). */
export class SqlApiKeyStore extends ApiKeyStore {
  private constructor(private readonly db: Kysely<ApiKeyTables>) {
    super();
  }

  /** The store on the database's `ledger_api_keys` table. */
  static async open(database: LedgerDatabase): Promise<SqlApiKeyStore> {
    return new SqlApiKeyStore(database.kysely<ApiKeyTables>());
  }

  protected async insert(key: StoredApiKey): Promise<void> {
    await this.db
      .insertInto(API_KEYS_TABLE)
      .values({
        key_id: key.keyId,
        secret_hash: key.secretHash,
        account_id: key.accountId,
        role: key.role,
        created_at: key.createdAt,
        revoked_at: null,
      })
      .execute();
  }

  protected async find(keyId: string): Promise<StoredApiKey | null> {
    const row = await this.db.selectFrom(API_KEYS_TABLE).select(COLUMNS).where('key_id', '=', keyId).executeTakeFirst();
    return row ? fromRow(row) : null;
  }

  protected async markRevoked(keyId: string, at: string): Promise<StoredApiKey | null> {
    await this.db.updateTable(API_KEYS_TABLE).set({ revoked_at: at }).where('key_id', '=', keyId).where('revoked_at', 'is', null).execute();
    return this.find(keyId);
  }

  async list(filter: { readonly accountId?: string } = {}): Promise<ApiKey[]> {
    const rows = await this.db
      .selectFrom(API_KEYS_TABLE)
      .select(COLUMNS)
      .$if(filter.accountId !== undefined, (qb) => qb.where('account_id', '=', filter.accountId!))
      .orderBy('created_at')
      .orderBy('key_id')
      .execute();
    return rows.map((row) => publicView(fromRow(row)));
  }

  async countActive(): Promise<number> {
    const row = await this.db
      .selectFrom(API_KEYS_TABLE)
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('revoked_at', 'is', null)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
}

function fromRow(row: {
  key_id: string;
  secret_hash: string;
  account_id: string | null;
  role: ApiKeyRole;
  created_at: Date;
  revoked_at: Date | null;
}): StoredApiKey {
  return {
    keyId: row.key_id,
    secretHash: row.secret_hash,
    accountId: row.account_id,
    role: row.role,
    createdAt: iso(row.created_at),
    revokedAt: row.revoked_at === null ? null : iso(row.revoked_at),
  };
}

/** timestamptz comes back as a Date from node-postgres and as a Date or text from PGlite. */
function iso(value: Date | string): string {
  return new Date(value).toISOString();
}
