import { sql, type Kysely } from 'kysely';
import type { ColumnTypes } from '../libs/database/src/bulk-rows.js';
import type { EpochMs } from './engine/read-model-db.js';
import { createDirectoryTables, type UserDirectoryTables } from './shared/directory-tables.js';
import { LONG_INTERVAL_MS } from './shared/overlapping-intervals.js';
import { createPoolHistoryTables, type PoolHistoryTables } from './shared/pool-history.js';
import { createUsageSlotsTable, type UsageSlotTables } from './shared/usage-slots.js';

/**
 * The tables of the `sessions` projection (sessions.projection.ts): every session, every denied start
 * and the session counts, beside the directory, the pool history and the usage slots. Instants are
 * epoch milliseconds (bigint).
 */
export interface SessionRow {
  account_id: string;
  session_id: string;
  product: string;
  user_id: string;
  /** The user's organization when the session started. */
  org_id: string;
  machine_id: string;
  license_type: string;
  /** 'account' or the orgId the session was drawn from when it started. */
  license_source: string;
  draws_unit: boolean;
  started_at: EpochMs;
  last_seen: EpochMs;
  ended_at: EpochMs | null;
  end_kind: 'ended' | 'expired' | null;
}

export interface SessionDenialRow {
  account_id: string;
  product: string;
  at: EpochMs;
  user_id: string;
  org_id: string;
  session_id: string;
  license_source: string;
}

export interface SessionsTables extends UserDirectoryTables, PoolHistoryTables, UsageSlotTables {
  sessions: SessionRow;
  session_denials: SessionDenialRow;
  /**
   * Sessions per (account, product, organization of the user at start) that started, ended (SessionEnded)
   * and expired (SessionExpired): the totals of the sessions table when it filters on orgId or status only.
   */
  session_counts: { account_id: string; product: string; org_id: string; kind: 'started' | 'ended' | 'expired'; n: number | string };
}

/** Long unit-drawing sessions, indexed on their own (see `overlappingRows`). */
export const SESSIONS_LONG_PREDICATE = sql<boolean>`draws_unit AND ended_at - started_at > ${sql.lit(LONG_INTERVAL_MS)}`;

export const SESSION_COLUMNS: ColumnTypes<SessionRow> = {
  account_id: 'text',
  session_id: 'text',
  product: 'text',
  user_id: 'text',
  org_id: 'text',
  machine_id: 'text',
  license_type: 'text',
  license_source: 'text',
  draws_unit: 'boolean',
  started_at: 'bigint',
  last_seen: 'bigint',
  ended_at: 'bigint',
  end_kind: 'text',
};
export const SESSION_DENIAL_COLUMNS: ColumnTypes<SessionDenialRow> = {
  account_id: 'text',
  product: 'text',
  at: 'bigint',
  user_id: 'text',
  org_id: 'text',
  session_id: 'text',
  license_source: 'text',
};
export const SESSION_COUNT_COLUMNS: ColumnTypes<SessionsTables['session_counts']> = {
  account_id: 'text',
  product: 'text',
  org_id: 'text',
  kind: 'text',
  n: 'bigint',
};

/** The tables of version 1 (its migration), in a new generation's schema. */
export async function createSessionsTables(db: Kysely<unknown>): Promise<void> {
  await createDirectoryTables(db, 'users');
  await createPoolHistoryTables(db);
  await createUsageSlotsTable(db);
  await db.schema
    .createTable('sessions')
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('session_id', 'text', (c) => c.notNull())
    .addColumn('product', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('machine_id', 'text', (c) => c.notNull())
    .addColumn('license_type', 'text', (c) => c.notNull())
    .addColumn('license_source', 'text', (c) => c.notNull())
    .addColumn('draws_unit', 'boolean', (c) => c.notNull())
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('last_seen', 'bigint', (c) => c.notNull())
    .addColumn('ended_at', 'bigint')
    .addColumn('end_kind', 'text')
    .addPrimaryKeyConstraint('sessions_pkey', ['account_id', 'session_id'])
    .execute();
  await db.schema.createIndex('sessions_by_start').on('sessions').columns(['account_id', 'product', 'started_at', 'session_id']).execute();
  await db.schema.createIndex('sessions_open').on('sessions').columns(['account_id', 'product']).where(sql.ref('ended_at'), 'is', null).execute();
  await db.schema.createIndex('sessions_long').on('sessions').columns(['account_id', 'product', 'ended_at']).where(SESSIONS_LONG_PREDICATE).execute();
  await db.schema
    .createTable('session_denials')
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('product', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('session_id', 'text', (c) => c.notNull())
    .addColumn('license_source', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('session_denials_by_at').on('session_denials').columns(['account_id', 'product', 'at']).execute();
  await db.schema
    .createTable('session_counts')
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('product', 'text', (c) => c.notNull())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('n', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('session_counts_pkey', ['account_id', 'product', 'org_id', 'kind'])
    .execute();
}
