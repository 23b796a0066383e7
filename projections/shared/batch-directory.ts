import { sql, type Kysely, type Transaction } from 'kysely';
import { keyOf } from './versioned-rows.js';

/**
 * Directory facts as they stood before a batch, read from the projection's own directory tables
 * (call these before `applyDirectoryEvents` folds the batch). A projection then follows the batch's
 * registrations, moves and time-zone changes in memory, event by event.
 */

/** `keyOf(accountId, userId)` → the user's organization, for the given users that exist. */
export async function loadUserOrgs(
  trx: Transaction<any>, users: readonly { account_id: string; user_id: string }[],
): Promise<Map<string, string>> {
  const orgs = new Map<string, string>();
  for (let i = 0; i < users.length; i += 1000) {
    const chunk = users.slice(i, i + 1000);
    const rows = await (trx as Kysely<any>).selectFrom('users as u')
      .innerJoin(pairs(chunk), (j) => j.onRef('k.account_id', '=', 'u.account_id').onRef('k.user_id', '=', 'u.user_id'))
      .select(['u.account_id', 'u.user_id', 'u.org_id']).execute();
    for (const u of rows) orgs.set(keyOf(u.account_id, u.user_id), u.org_id);
  }
  return orgs;
}

/** accountId → its time zone, for the given accounts that exist. */
export async function loadTimezones(trx: Transaction<any>, accountIds: readonly string[]): Promise<Map<string, string>> {
  if (accountIds.length === 0) return new Map();
  const rows = await (trx as Kysely<any>).selectFrom('accounts').select(['account_id', 'timezone'])
    .where('account_id', 'in', [...accountIds]).execute();
  return new Map(rows.map((r) => [r.account_id as string, r.timezone as string]));
}

/** `unnest(accounts, users) AS k(account_id, user_id)`, to join a table on a set of (account, user) pairs. */
export function pairs(users: readonly { account_id: string; user_id: string }[]) {
  const accounts = users.map((p) => p.account_id);
  const ids = users.map((p) => p.user_id);
  return sql<{ account_id: string; user_id: string }>`unnest(${accounts}::text[], ${ids}::text[])`.as<'k'>(sql`k(account_id, user_id)`);
}
