import { sql } from 'kysely';
import type { AccountDirectory, DirectoryOrganization, DirectoryUser, UsersPage } from '../../../contracts/src/index.js';
import { DomainError, type FieldError } from '../../../domain/src/errors.js';
import { PRODUCT_CODES, PRODUCTS } from '../../../domain/src/products.js';
import { formatPosition } from '../../../event-store/src/event-store.js';
import type { LicensesTables } from '../../../../projections/licenses.projection.js';
import { loadOrgTree, type OrgDirectoryTables, type OrgTree } from '../../../../projections/shared/directory-tables.js';
import type { ReportContext } from '../report-definition.js';
import { containsPattern } from '../../../report-contract/src/report-request.js';
import { byName } from '../../../report-contract/src/series-scope.js';

/**
 * What a client needs to ask for reports of an account (the web console's pickers): its name and
 * zone, its organization tree, the products and which of them it ever purchased. Read from the
 * `licenses` projection, which keeps the directory and the purchases.
 */
export async function accountDirectory(accountId: string, context: ReportContext): Promise<AccountDirectory> {
  const { db: readModel, position } = await context.projections.reader<LicensesTables>('licenses');
  const db = readModel.kysely;
  const account = await db.selectFrom('accounts').select(['name', 'timezone']).where('account_id', '=', accountId).executeTakeFirst();
  if (!account) throw new DomainError('NOT_FOUND', `account '${accountId}' does not exist`);
  const [tree, purchased] = await Promise.all([
    loadOrgTree(readModel.part<OrgDirectoryTables>(), accountId),
    db.selectFrom('purchases').select('product').distinct().where('account_id', '=', accountId).execute(),
  ]);
  const bought = new Set(purchased.map((p) => p.product));
  return {
    accountId,
    name: account.name,
    timezone: account.timezone,
    organizations: organizationsOf(tree),
    products: PRODUCT_CODES.map((product) => ({
      product,
      name: PRODUCTS[product].name,
      model: PRODUCTS[product].model,
      purchased: bought.has(product),
    })),
    asOfPosition: formatPosition(position),
  };
}

/** Every organization, depth first: parents before children, siblings by name. */
function organizationsOf(tree: OrgTree): DirectoryOrganization[] {
  const list: DirectoryOrganization[] = [];
  const visit = (parentOrgId: string | null) => {
    for (const orgId of [...tree.children(parentOrgId)].sort(byName((id) => tree.name(id)))) {
      list.push({ orgId, name: tree.name(orgId), parentOrgId, path: tree.path(orgId) });
      visit(orgId);
    }
  };
  visit(null);
  return list;
}

export const USERS_LIMIT_DEFAULT = 20;
export const USERS_LIMIT_MAX = 200;

export interface UsersRequest {
  readonly accountId: string;
  /** Case-insensitive substring of the name, email or id. */
  readonly q?: string;
  /** Users of this organization and below. */
  readonly orgId?: string;
  readonly limit: number;
}

const USERS_PARAMETERS = ['accountId', 'q', 'orgId', 'limit'];

export function parseUsersRequest(raw: Readonly<Record<string, unknown>>): UsersRequest {
  const errors: FieldError[] = [];
  const text = (name: string): string | undefined => {
    const value = raw[name];
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || value.length > 200) {
      errors.push({ path: name, message: 'must be given once, as a text of at most 200 characters' });
      return undefined;
    }
    return value;
  };
  for (const name of Object.keys(raw)) {
    if (!USERS_PARAMETERS.includes(name)) errors.push({ path: name, message: `is not a parameter of the users list (q, orgId, limit)` });
  }
  const accountId = text('accountId');
  const q = text('q');
  const orgId = text('orgId');
  const limitText = text('limit');
  let limit = USERS_LIMIT_DEFAULT;
  if (limitText !== undefined) {
    limit = /^\d{1,4}$/.test(limitText) ? Number(limitText) : NaN;
    if (!(limit >= 1 && limit <= USERS_LIMIT_MAX)) errors.push({ path: 'limit', message: `must be a whole number from 1 to ${USERS_LIMIT_MAX}` });
  }
  if (errors.length > 0) throw new DomainError('VALIDATION_FAILED', errors.map((e) => `${e.path}: ${e.message}`).join('; '), errors);
  return { accountId: accountId!, ...(q !== undefined && q.trim() !== '' ? { q } : {}), ...(orgId !== undefined ? { orgId } : {}), limit };
}

/** The account's users matching the request, by name then id: the first `limit`, and how many match. */
export async function listUsers(request: UsersRequest, context: ReportContext): Promise<UsersPage> {
  const { db: readModel } = await context.projections.reader<LicensesTables>('licenses');
  const db = readModel.kysely;
  const exists = await db.selectFrom('accounts').select('account_id').where('account_id', '=', request.accountId).executeTakeFirst();
  if (!exists) throw new DomainError('NOT_FOUND', `account '${request.accountId}' does not exist`);
  const tree = await loadOrgTree(readModel.part<OrgDirectoryTables>(), request.accountId);
  const orgs = request.orgId !== undefined ? [...tree.subtree(request.orgId)] : null;
  const base = db
    .selectFrom('users')
    .where('account_id', '=', request.accountId)
    .$if(orgs !== null, (qb) => qb.where(sql<boolean>`org_id = ANY(${orgs}::text[])`))
    .$if(request.q !== undefined, (qb) => {
      const pattern = containsPattern(request.q!);
      return qb.where((eb) => eb.or([eb('full_name', 'ilike', pattern), eb('email', 'ilike', pattern), eb('user_id', 'ilike', pattern)]));
    });
  const [count, rows] = await Promise.all([
    base.select(sql<string>`count(*)`.as('n')).executeTakeFirst(),
    base.select(['user_id', 'full_name', 'email', 'org_id']).orderBy('full_name').orderBy('user_id').limit(request.limit).execute(),
  ]);
  const users: DirectoryUser[] = rows.map((u) => ({
    userId: u.user_id,
    name: u.full_name,
    email: u.email,
    orgId: u.org_id,
    organization: tree.path(u.org_id),
  }));
  return { accountId: request.accountId, total: Number(count?.n ?? 0), users };
}
