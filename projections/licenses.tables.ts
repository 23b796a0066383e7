import type { Kysely } from 'kysely';
import type { ColumnTypes } from '../libs/database/src/bulk-rows.js';
import type { EpochMs } from './engine/read-model-db.js';
import { createDirectoryTables, type UserDirectoryTables } from './shared/directory-tables.js';

/**
 * The tables of the `licenses` projection (licenses.projection.ts): the current holdings of every
 * account, each with its holder's organization. Instants are epoch milliseconds (bigint).
 */
export interface LicensesTables extends UserDirectoryTables {
  purchases: {
    account_id: string;
    purchase_id: string;
    product: string;
    quantity: number;
    starts_at: EpochMs;
    expires_at: EpochMs;
    recorded_at: EpochMs;
    machine_quota: number | null;
  };
  dedications: { account_id: string; product: string; org_id: string; quantity: number };
  seats: Holder & { product: string; assigned_at: EpochMs; full_name: string | null; email: string | null };
  open_sessions: Holder & {
    session_id: string;
    product: string;
    machine_id: string;
    license_type: string;
    draws_unit: boolean;
    started_at: EpochMs;
    last_seen: EpochMs;
  };
  offline_licenses: Holder & {
    product: string;
    machine_id: string;
    generated_at: EpochMs;
    expires_at: EpochMs;
    license_source: string;
  };
  machines: Holder & { product: string; machine_id: string; registered_at: EpochMs };
  active_applications: { account_id: string; application_id: string; activated_at: EpochMs };
  /** Bumped by every batch that changes the account's seats, offline licenses or machines, or moves a holder. */
  holding_versions: { account_id: string; version: number | string };
}

/** A holding's holder: the user, and the user's organization now (null while the user is not in the directory). */
export interface Holder {
  account_id: string;
  user_id: string;
  org_id: string | null;
}

export type Row<T extends keyof LicensesTables> = LicensesTables[T];
export const HOLDING_TABLES = ['seats', 'open_sessions', 'offline_licenses', 'machines'] as const;
export type HoldingTable = (typeof HOLDING_TABLES)[number];

/** The tables the batch's changes are written to (the directory's are written by applyDirectoryEvents). */
export type ChangedTable = Exclude<keyof LicensesTables, keyof UserDirectoryTables | 'holding_versions'>;
const HOLDER = { account_id: 'text', user_id: 'text', org_id: 'text' } as const;
export const COLUMNS: { [T in ChangedTable]: ColumnTypes<Row<T>> } = {
  purchases: {
    account_id: 'text',
    purchase_id: 'text',
    product: 'text',
    quantity: 'integer',
    starts_at: 'bigint',
    expires_at: 'bigint',
    recorded_at: 'bigint',
    machine_quota: 'integer',
  },
  dedications: { account_id: 'text', product: 'text', org_id: 'text', quantity: 'integer' },
  seats: { ...HOLDER, product: 'text', assigned_at: 'bigint', full_name: 'text', email: 'text' },
  open_sessions: {
    ...HOLDER,
    session_id: 'text',
    product: 'text',
    machine_id: 'text',
    license_type: 'text',
    draws_unit: 'boolean',
    started_at: 'bigint',
    last_seen: 'bigint',
  },
  offline_licenses: { ...HOLDER, product: 'text', machine_id: 'text', generated_at: 'bigint', expires_at: 'bigint', license_source: 'text' },
  machines: { ...HOLDER, product: 'text', machine_id: 'text', registered_at: 'bigint' },
  active_applications: { account_id: 'text', application_id: 'text', activated_at: 'bigint' },
};

/** The tables of version 2 (its migration), in a new generation's schema. */
export async function createLicensesTables(db: Kysely<unknown>): Promise<void> {
  await createDirectoryTables(db, 'users');
  await db.schema
    .createTable('purchases')
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('purchase_id', 'text', (c) => c.notNull())
    .addColumn('product', 'text', (c) => c.notNull())
    .addColumn('quantity', 'integer', (c) => c.notNull())
    .addColumn('starts_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('recorded_at', 'bigint', (c) => c.notNull())
    .addColumn('machine_quota', 'integer')
    .addPrimaryKeyConstraint('purchases_pkey', ['account_id', 'purchase_id'])
    .execute();
  await db.schema
    .createTable('dedications')
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('product', 'text', (c) => c.notNull())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('quantity', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('dedications_pkey', ['account_id', 'product', 'org_id'])
    .execute();
  await db.schema
    .createTable('seats')
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('product', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('assigned_at', 'bigint', (c) => c.notNull())
    .addColumn('org_id', 'text')
    .addColumn('full_name', 'text')
    .addColumn('email', 'text')
    .addPrimaryKeyConstraint('seats_pkey', ['account_id', 'product', 'user_id'])
    .execute();
  await db.schema
    .createTable('open_sessions')
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('session_id', 'text', (c) => c.notNull())
    .addColumn('product', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('machine_id', 'text', (c) => c.notNull())
    .addColumn('license_type', 'text', (c) => c.notNull())
    .addColumn('draws_unit', 'boolean', (c) => c.notNull())
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('last_seen', 'bigint', (c) => c.notNull())
    .addColumn('org_id', 'text')
    .addPrimaryKeyConstraint('open_sessions_pkey', ['account_id', 'session_id'])
    .execute();
  await db.schema.createIndex('open_sessions_by_product').on('open_sessions').columns(['account_id', 'product']).execute();
  await db.schema
    .createTable('offline_licenses')
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('product', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('machine_id', 'text', (c) => c.notNull())
    .addColumn('generated_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('license_source', 'text', (c) => c.notNull())
    .addColumn('org_id', 'text')
    .addPrimaryKeyConstraint('offline_licenses_pkey', ['account_id', 'product', 'machine_id', 'generated_at'])
    .execute();
  await db.schema
    .createTable('machines')
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('product', 'text', (c) => c.notNull())
    .addColumn('machine_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('registered_at', 'bigint', (c) => c.notNull())
    .addColumn('org_id', 'text')
    .addPrimaryKeyConstraint('machines_pkey', ['account_id', 'product', 'machine_id'])
    .execute();
  await db.schema
    .createTable('active_applications')
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('application_id', 'text', (c) => c.notNull())
    .addColumn('activated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('active_applications_pkey', ['account_id', 'application_id'])
    .execute();
  await db.schema
    .createTable('holding_versions')
    .addColumn('account_id', 'text', (c) => c.primaryKey())
    .addColumn('version', 'bigint', (c) => c.notNull())
    .execute();
  // A moved user's holdings are found by holder (refreshMovedHolders).
  for (const table of HOLDING_TABLES) {
    await db.schema.createIndex(`${table}_by_holder`).on(table).columns(['account_id', 'user_id']).execute();
  }
}
