import { sql, type Kysely } from 'kysely';
import { insertRows, unnestRows, type ColumnTypes } from '../../libs/database/src/bulk-rows.js';
import { DomainError } from '../../libs/domain/src/index.js';
import type { StoredLedgerEvent } from '../../libs/event-store/src/stored-ledger-event.js';
import type { ReadModelDb } from '../engine/read-model-db.js';
import { accountOf } from '../projection.js';

/**
 * The account directory as tables a projection keeps in its own schema, so its report queries can
 * join them. A projection keeps only the part its reports read, at one of three levels, each
 * created by its migration with `createDirectoryTables(db, level)` and fed by its event types
 * through `applyDirectoryEvents`:
 *
 * - 'orgs' (`OrgDirectoryTables`, `ORG_DIRECTORY_EVENT_TYPES`): accounts (time zones) and the org tree;
 * - 'users' (`UserDirectoryTables`, `USER_DIRECTORY_EVENT_TYPES`): and users, with their current org;
 * - 'all' (`DirectoryTables`, `DIRECTORY_EVENT_TYPES`): and projects with their members.
 */
export interface OrgDirectoryTables {
  accounts: { account_id: string; name: string; timezone: string };
  orgs: { account_id: string; org_id: string; name: string; parent_org_id: string | null };
}

export interface UserDirectoryTables extends OrgDirectoryTables {
  users: { account_id: string; user_id: string; email: string; full_name: string; org_id: string };
}

export interface DirectoryTables extends UserDirectoryTables {
  projects: { account_id: string; project_id: string; name: string; org_id: string };
  project_members: { account_id: string; project_id: string; user_id: string };
}

export type DirectoryLevel = 'orgs' | 'users' | 'all';

export const ORG_DIRECTORY_EVENT_TYPES = ['AccountOpened', 'AccountTimezoneChanged', 'OrganizationCreated'] as const;
export const USER_DIRECTORY_EVENT_TYPES = [...ORG_DIRECTORY_EVENT_TYPES, 'UserRegistered', 'UserMoved'] as const;
export const DIRECTORY_EVENT_TYPES = [...USER_DIRECTORY_EVENT_TYPES, 'ProjectCreated', 'UserAddedToProject'] as const;

const COLUMNS = {
  accounts: { account_id: 'text', name: 'text', timezone: 'text' },
  orgs: { account_id: 'text', org_id: 'text', name: 'text', parent_org_id: 'text' },
  users: { account_id: 'text', user_id: 'text', email: 'text', full_name: 'text', org_id: 'text' },
  projects: { account_id: 'text', project_id: 'text', name: 'text', org_id: 'text' },
  project_members: { account_id: 'text', project_id: 'text', user_id: 'text' },
} as const satisfies { [T in keyof DirectoryTables]: ColumnTypes<DirectoryTables[T]> };

/** Creates the directory tables of `level` (in a projection's migration; `db` is scoped to the new generation). */
export async function createDirectoryTables(db: Kysely<unknown>, level: DirectoryLevel): Promise<void> {
  await db.schema
    .createTable('accounts')
    .addColumn('account_id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('timezone', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('orgs')
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('parent_org_id', 'text')
    .addPrimaryKeyConstraint('orgs_pkey', ['account_id', 'org_id'])
    .execute();
  if (level === 'orgs') return;
  await db.schema
    .createTable('users')
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('full_name', 'text', (c) => c.notNull())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('users_pkey', ['account_id', 'user_id'])
    .execute();
  if (level === 'users') return;
  await db.schema
    .createTable('projects')
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('project_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('projects_pkey', ['account_id', 'project_id'])
    .execute();
  await db.schema
    .createTable('project_members')
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('project_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('project_members_pkey', ['account_id', 'project_id', 'user_id'])
    .execute();
}

/**
 * Folds the directory events of a batch. Only the events of the projection's level reach it (its
 * `eventTypes`), so only its level's tables are written. Rows are collected in memory and written
 * set-wise, in an order that respects dependencies (a user registered and moved in one batch ends in
 * the right org).
 */
export async function applyDirectoryEvents(db: ReadModelDb<OrgDirectoryTables>, events: readonly StoredLedgerEvent[]): Promise<void> {
  /** The tables of the levels above 'orgs': present whenever their events reach the projection. */
  const upper = (table: 'users' | 'projects' | 'project_members') => sql.id(db.schema, table);
  const accounts = new Map<string, DirectoryTables['accounts']>();
  const timezones = new Map<string, string>();
  const orgs: DirectoryTables['orgs'][] = [];
  const users = new Map<string, DirectoryTables['users']>();
  /** Users stored before the batch that it moves: their org after the batch. */
  const moved = new Map<string, { account_id: string; user_id: string; org_id: string }>();
  const projects: DirectoryTables['projects'][] = [];
  const members: DirectoryTables['project_members'][] = [];

  for (const e of events) {
    const account_id = accountOf(e);
    switch (e.type) {
      case 'AccountOpened': {
        const d = e.data;
        accounts.set(account_id, { account_id, name: d.name, timezone: d.timezone });
        break;
      }
      case 'AccountTimezoneChanged': {
        const d = e.data;
        const opened = accounts.get(account_id);
        if (opened) opened.timezone = d.timezone;
        else timezones.set(account_id, d.timezone);
        break;
      }
      case 'OrganizationCreated': {
        const d = e.data;
        orgs.push({ account_id, org_id: d.orgId, name: d.name, parent_org_id: d.parentOrgId });
        break;
      }
      case 'UserRegistered': {
        const d = e.data;
        const key = `${account_id}\u0000${d.userId}`;
        users.set(key, { account_id, user_id: d.userId, email: d.email, full_name: d.fullName, org_id: d.orgId });
        break;
      }
      case 'UserMoved': {
        const d = e.data;
        const key = `${account_id}\u0000${d.userId}`;
        const registered = users.get(key);
        if (registered) registered.org_id = d.orgId;
        else moved.set(key, { account_id, user_id: d.userId, org_id: d.orgId });
        break;
      }
      case 'ProjectCreated': {
        const d = e.data;
        projects.push({ account_id, project_id: d.projectId, name: d.name, org_id: d.orgId });
        break;
      }
      case 'UserAddedToProject': {
        const d = e.data;
        members.push({ account_id, project_id: d.projectId, user_id: d.userId });
        break;
      }
    }
  }

  await insertRows(db.kysely, db.table('accounts'), COLUMNS.accounts, [...accounts.values()]);
  for (const [account_id, timezone] of timezones) {
    await db.kysely.updateTable('accounts').set({ timezone }).where('account_id', '=', account_id).execute();
  }
  await insertRows(db.kysely, db.table('orgs'), COLUMNS.orgs, orgs);
  await insertRows(db.kysely, upper('users'), COLUMNS.users, [...users.values()]);
  if (moved.size > 0) {
    // Users stored before the batch and moved by it: `users` gets their organization after the batch.
    const moves = unnestRows({ account_id: 'text', user_id: 'text', org_id: 'text' }, [...moved.values()]);
    await sql`UPDATE ${upper('users')} AS u SET org_id = k.org_id FROM ${moves}
      WHERE u.account_id = k.account_id AND u.user_id = k.user_id`.execute(db.kysely);
  }
  await insertRows(db.kysely, upper('projects'), COLUMNS.projects, projects);
  await insertRows(db.kysely, upper('project_members'), COLUMNS.project_members, members);
}

/** The account's time zone, or NOT_FOUND (an unknown account and another tenant's look the same). */
export async function accountTimezone(db: ReadModelDb<OrgDirectoryTables>, accountId: string): Promise<string> {
  const row = await db.kysely.selectFrom('accounts').select('timezone').where('account_id', '=', accountId).executeTakeFirst();
  if (!row) throw new DomainError('NOT_FOUND', `account '${accountId}' does not exist`);
  return row.timezone;
}

export interface OrgTree {
  /** The org and all its descendants. Throws NOT_FOUND for an unknown org. */
  subtree(orgId: string): Set<string>;
  /** "Quality / Automation": names from the top-level org down. */
  path(orgId: string): string;
  name(orgId: string): string;
  /** Direct children of an org, or the top-level orgs for null. */
  children(orgId: string | null): string[];
}

/** The account's organizations, loaded once per report (trees are small). */
export async function loadOrgTree(db: ReadModelDb<OrgDirectoryTables>, accountId: string): Promise<OrgTree> {
  const rows = await db.kysely.selectFrom('orgs').selectAll().where('account_id', '=', accountId).execute();
  return orgTreeOf(rows);
}

/** An OrgTree over organization rows held in memory (children in the order of the rows). */
export function orgTreeOf(rows: readonly Pick<DirectoryTables['orgs'], 'org_id' | 'name' | 'parent_org_id'>[]): OrgTree {
  const byId = new Map(rows.map((r) => [r.org_id, r]));
  const kids = new Map<string | null, string[]>();
  for (const r of rows) kids.set(r.parent_org_id, [...(kids.get(r.parent_org_id) ?? []), r.org_id]);
  const require = (orgId: string) => {
    const org = byId.get(orgId);
    if (!org) throw new DomainError('NOT_FOUND', `organization '${orgId}' does not exist`, [{ path: 'orgId', message: 'not found' }]);
    return org;
  };
  return {
    subtree(orgId) {
      require(orgId);
      const out = new Set<string>();
      const stack = [orgId];
      while (stack.length > 0) {
        const id = stack.pop()!;
        out.add(id);
        stack.push(...(kids.get(id) ?? []));
      }
      return out;
    },
    path(orgId) {
      const names: string[] = [];
      for (let id: string | null = orgId; id !== null; id = byId.get(id)?.parent_org_id ?? null) names.unshift(require(id).name);
      return names.join(' / ');
    },
    name: (orgId) => require(orgId).name,
    children: (orgId) => kids.get(orgId) ?? [],
  };
}
