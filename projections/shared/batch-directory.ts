import { sql } from 'kysely';
import { unnestRows } from '../../libs/database/src/bulk-rows.js';
import type { ReadModelDb } from '../engine/read-model-db.js';
import type { OrgDirectoryTables, UserDirectoryTables } from './directory-tables.js';
import { keyOf } from './versioned-rows.js';

/**
 * Directory facts as they stood before a batch, read from the projection's own directory tables
 * (call these before `applyDirectoryEvents` folds the batch). A projection then follows the batch's
 * registrations, moves and time-zone changes in memory, event by event.
 */

/** A user of an account, as a key into `users`. */
export interface UserKey {
  readonly account_id: string;
  readonly user_id: string;
}

export const USER_KEY_COLUMNS = { account_id: 'text', user_id: 'text' } as const;

/** `keyOf(accountId, userId)` → the user's organization, for the given users that exist. */
export async function loadUserOrgs(db: ReadModelDb<UserDirectoryTables>, users: readonly UserKey[]): Promise<Map<string, string>> {
  const orgs = new Map<string, string>();
  for (let i = 0; i < users.length; i += 1000) {
    const { rows } = await sql<{ account_id: string; user_id: string; org_id: string }>`
      SELECT u.account_id, u.user_id, u.org_id FROM ${db.table('users')} AS u
      JOIN ${unnestRows(USER_KEY_COLUMNS, users.slice(i, i + 1000))} ON k.account_id = u.account_id AND k.user_id = u.user_id`.execute(db.kysely);
    for (const u of rows) orgs.set(keyOf(u.account_id, u.user_id), u.org_id);
  }
  return orgs;
}

/** accountId → its time zone, for the given accounts that exist. */
export async function loadTimezones(db: ReadModelDb<OrgDirectoryTables>, accountIds: readonly string[]): Promise<Map<string, string>> {
  if (accountIds.length === 0) return new Map();
  const rows = await db.kysely
    .selectFrom('accounts')
    .select(['account_id', 'timezone'])
    .where('account_id', 'in', [...accountIds])
    .execute();
  return new Map(rows.map((r) => [r.account_id, r.timezone]));
}
