import { sql, type Kysely } from 'kysely';
import type { ColumnTypes } from '../libs/database/src/bulk-rows.js';
import type { EpochMs } from './engine/read-model-db.js';
import { createDirectoryTables, type UserDirectoryTables } from './shared/directory-tables.js';
import { keyOf } from './shared/versioned-rows.js';

/**
 * The tables of the `capacity` projection (capacity.projection.ts, folded by capacity.fold.ts): what
 * the capacity answers of SPEC §8 read (what-if, idle seats, reclaim back-test, denials, forecast),
 * each fact with its place in the account's log (`*_seq`: the stream revision of the event), so
 * replays order facts of one instant as the log did and explanations can name the events:
 *
 * - `capacity_units`: every session of a session product (`draws_unit` for the online ones), every
 *   TrueTest activation and every offline license of a session product, as [started_at, ended_at)
 *   with the holder's organization at the start (sessions keep `last_seen` for the lease rule, which
 *   reports apply at query time; an offline license ends when it expires);
 * - `capacity_denials`: attempts denied for capacity (SessionDenied, ApplicationDenied);
 * - `capacity_pool_changes`: purchases, amendments and dedications of every product;
 * - `capacity_user_moves`: users' moves between organizations (units and seats move with them);
 * - `capacity_seats`: seat tenures [assigned_at, unassigned_at) with their first login (activation);
 * - `capacity_activity`: the instants of qualifying activity (SPEC §4.3, `ACTIVITY_ACTIONS`) on seat
 *   products, one row per user, product and instant.
 *
 * Every instant is epoch milliseconds (bigint).
 */
export interface CapacityTables extends UserDirectoryTables {
  capacity_units: {
    account_id: string;
    product: string;
    kind: UnitKind;
    unit_id: string;
    user_id: string | null;
    org_id: string | null;
    draws_unit: boolean;
    started_at: Bigint;
    start_seq: Bigint;
    last_seen: Bigint;
    ended_at: Bigint | null;
    end_seq: Bigint | null;
  };
  capacity_denials: {
    account_id: string;
    product: string;
    at: Bigint;
    seq: Bigint;
    attempt_id: string;
    user_id: string | null;
    org_id: string | null;
  };
  capacity_pool_changes: {
    account_id: string;
    product: string;
    seq: Bigint;
    at: Bigint;
    kind: 'purchased' | 'amended' | 'dedicated';
    purchase_id: string | null;
    org_id: string | null;
    quantity: number;
    starts_at: Bigint | null;
    expires_at: Bigint | null;
  };
  capacity_user_moves: { account_id: string; user_id: string; seq: Bigint; at: Bigint; from_org_id: string; org_id: string };
  capacity_seats: {
    account_id: string;
    product: string;
    user_id: string;
    assigned_at: Bigint;
    assign_seq: Bigint;
    unassigned_at: Bigint | null;
    unassign_seq: Bigint | null;
    activated_at: Bigint | null;
    activate_seq: Bigint | null;
  };
  capacity_activity: { account_id: string; product: string; user_id: string; at: Bigint; seq: Bigint };
}

/** A bigint column (instants in epoch ms, log revisions): numbers are written, both drivers read text. */
type Bigint = EpochMs;
export type UnitKind = 'session' | 'application' | 'offline';

export type UnitRow = CapacityTables['capacity_units'];
export type SeatRow = CapacityTables['capacity_seats'];

export interface UnitRef {
  readonly account_id: string;
  readonly product: string;
  readonly kind: UnitKind;
  readonly unit_id: string;
}

export const unitKey = (accountId: string, product: string, kind: UnitKind, unitId: string) => keyOf(accountId, product, kind, unitId);
export const seatKey = (accountId: string, product: string, userId: string) => keyOf(accountId, product, userId);

type CapacityTable = Exclude<keyof CapacityTables, keyof UserDirectoryTables>;
export const CAPACITY_COLUMNS: { [T in CapacityTable]: ColumnTypes<CapacityTables[T]> } = {
  capacity_units: {
    account_id: 'text',
    product: 'text',
    kind: 'text',
    unit_id: 'text',
    user_id: 'text',
    org_id: 'text',
    draws_unit: 'boolean',
    started_at: 'bigint',
    start_seq: 'bigint',
    last_seen: 'bigint',
    ended_at: 'bigint',
    end_seq: 'bigint',
  },
  capacity_seats: {
    account_id: 'text',
    product: 'text',
    user_id: 'text',
    assigned_at: 'bigint',
    assign_seq: 'bigint',
    unassigned_at: 'bigint',
    unassign_seq: 'bigint',
    activated_at: 'bigint',
    activate_seq: 'bigint',
  },
  capacity_denials: { account_id: 'text', product: 'text', at: 'bigint', seq: 'bigint', attempt_id: 'text', user_id: 'text', org_id: 'text' },
  capacity_pool_changes: {
    account_id: 'text',
    product: 'text',
    seq: 'bigint',
    at: 'bigint',
    kind: 'text',
    purchase_id: 'text',
    org_id: 'text',
    quantity: 'integer',
    starts_at: 'bigint',
    expires_at: 'bigint',
  },
  capacity_user_moves: { account_id: 'text', user_id: 'text', seq: 'bigint', at: 'bigint', from_org_id: 'text', org_id: 'text' },
  capacity_activity: { account_id: 'text', product: 'text', user_id: 'text', at: 'bigint', seq: 'bigint' },
};

/** The tables of version 1 (its migration), in a new generation's schema. */
export async function createCapacityTables(db: Kysely<unknown>): Promise<void> {
  await createDirectoryTables(db, 'users');
  await db.schema
    .createTable('capacity_units')
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('product', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('unit_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text')
    .addColumn('org_id', 'text')
    .addColumn('draws_unit', 'boolean', (c) => c.notNull())
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('start_seq', 'bigint', (c) => c.notNull())
    .addColumn('last_seen', 'bigint', (c) => c.notNull())
    .addColumn('ended_at', 'bigint')
    .addColumn('end_seq', 'bigint')
    .addPrimaryKeyConstraint('capacity_units_pkey', ['account_id', 'product', 'kind', 'unit_id', 'started_at'])
    .execute();
  await db.schema.createIndex('capacity_units_by_start').on('capacity_units').columns(['account_id', 'product', 'started_at']).execute();
  await db.schema
    .createIndex('capacity_units_open')
    .on('capacity_units')
    .columns(['account_id', 'product'])
    .where(sql.ref('ended_at'), 'is', null)
    .execute();
  await db.schema
    .createTable('capacity_denials')
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('product', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('attempt_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text')
    .addColumn('org_id', 'text')
    .execute();
  await db.schema.createIndex('capacity_denials_by_at').on('capacity_denials').columns(['account_id', 'product', 'at']).execute();
  await db.schema
    .createTable('capacity_pool_changes')
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('product', 'text', (c) => c.notNull())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('purchase_id', 'text')
    .addColumn('org_id', 'text')
    .addColumn('quantity', 'integer', (c) => c.notNull())
    .addColumn('starts_at', 'bigint')
    .addColumn('expires_at', 'bigint')
    .addPrimaryKeyConstraint('capacity_pool_changes_pkey', ['account_id', 'product', 'seq'])
    .execute();
  await db.schema
    .createTable('capacity_user_moves')
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('from_org_id', 'text', (c) => c.notNull())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('capacity_user_moves_pkey', ['account_id', 'seq'])
    .execute();
  await db.schema
    .createTable('capacity_seats')
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('product', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('assigned_at', 'bigint', (c) => c.notNull())
    .addColumn('assign_seq', 'bigint', (c) => c.notNull())
    .addColumn('unassigned_at', 'bigint')
    .addColumn('unassign_seq', 'bigint')
    .addColumn('activated_at', 'bigint')
    .addColumn('activate_seq', 'bigint')
    .addPrimaryKeyConstraint('capacity_seats_pkey', ['account_id', 'product', 'user_id', 'assigned_at'])
    .execute();
  await db.schema
    .createIndex('capacity_seats_open')
    .on('capacity_seats')
    .columns(['account_id', 'product', 'user_id'])
    .where(sql.ref('unassigned_at'), 'is', null)
    .execute();
  await db.schema
    .createTable('capacity_activity')
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('product', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('capacity_activity_pkey', ['account_id', 'product', 'user_id', 'at'])
    .execute();
}
