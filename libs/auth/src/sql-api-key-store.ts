import type { SqlExecutor } from '../../read-store/src/database.js';
import { ApiKeyStore, publicView, type ApiKey, type StoredApiKey } from './api-keys.js';
import { API_KEY_ROLES, type ApiKeyRole } from './roles.js';

export const API_KEYS_TABLE = 'ledger_api_keys';

interface KeyRow {
  key_id: string;
  secret_hash: string;
  account_id: string | null;
  role: string;
  created_at: Date | string;
  revoked_at: Date | string | null;
}

const COLUMNS = 'key_id, secret_hash, account_id, role, created_at, revoked_at';

/** API keys in the table `ledger_api_keys` of the ledger's SQL database (PostgreSQL or PGlite). */
export class SqlApiKeyStore extends ApiKeyStore {
  private constructor(private readonly db: SqlExecutor) {
    super();
  }

  /** The store on `db`, its table created if missing. */
  static async open(db: SqlExecutor): Promise<SqlApiKeyStore> {
    const roles = API_KEY_ROLES.map((role) => `'${role}'`).join(', ');
    await db.query(`
      CREATE TABLE IF NOT EXISTS ${API_KEYS_TABLE} (
        key_id text PRIMARY KEY,
        secret_hash text NOT NULL,
        account_id text,
        role text NOT NULL CHECK (role IN (${roles})),
        created_at timestamptz NOT NULL,
        revoked_at timestamptz,
        CHECK ((role = 'operator') = (account_id IS NULL))
      )`);
    await db.query(`CREATE INDEX IF NOT EXISTS ${API_KEYS_TABLE}_account ON ${API_KEYS_TABLE} (account_id)`);
    return new SqlApiKeyStore(db);
  }

  protected async insert(key: StoredApiKey): Promise<void> {
    await this.db.query(
      `INSERT INTO ${API_KEYS_TABLE} (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, NULL)`,
      [key.keyId, key.secretHash, key.accountId, key.role, key.createdAt],
    );
  }

  protected async find(keyId: string): Promise<StoredApiKey | null> {
    const [row] = await this.db.query<KeyRow>(`SELECT ${COLUMNS} FROM ${API_KEYS_TABLE} WHERE key_id = $1`, [keyId]);
    return row ? fromRow(row) : null;
  }

  protected async markRevoked(keyId: string, at: string): Promise<StoredApiKey | null> {
    await this.db.query(`UPDATE ${API_KEYS_TABLE} SET revoked_at = $2 WHERE key_id = $1 AND revoked_at IS NULL`, [keyId, at]);
    return this.find(keyId);
  }

  async list(filter: { readonly accountId?: string } = {}): Promise<ApiKey[]> {
    const rows = filter.accountId === undefined
      ? await this.db.query<KeyRow>(`SELECT ${COLUMNS} FROM ${API_KEYS_TABLE} ORDER BY created_at, key_id`)
      : await this.db.query<KeyRow>(
        `SELECT ${COLUMNS} FROM ${API_KEYS_TABLE} WHERE account_id = $1 ORDER BY created_at, key_id`, [filter.accountId]);
    return rows.map((row) => publicView(fromRow(row)));
  }

  async countActive(): Promise<number> {
    const [row] = await this.db.query<{ n: string | number }>(`SELECT count(*) AS n FROM ${API_KEYS_TABLE} WHERE revoked_at IS NULL`);
    return Number(row.n);
  }
}

function fromRow(row: KeyRow): StoredApiKey {
  return {
    keyId: row.key_id,
    secretHash: row.secret_hash,
    accountId: row.account_id,
    role: row.role as ApiKeyRole,
    createdAt: iso(row.created_at),
    revokedAt: row.revoked_at === null ? null : iso(row.revoked_at),
  };
}

function iso(value: Date | string): string {
  return new Date(value).toISOString();
}
