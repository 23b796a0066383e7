import type { Kysely } from 'kysely';
import type { StoredLedgerEvent } from '../../libs/event-store/src/stored-ledger-event.js';
import type { EpochMs, ReadModelDb } from '../engine/read-model-db.js';
import { accountOf, occurredAt } from '../projection.js';
import { keyOf, VersionedRows } from './versioned-rows.js';

/**
 * Purchases and dedications as versions over business time, for "purchased / dedicated at the end of
 * a bucket" (SPEC §2, §4.1).
 *
 * - `purchase_versions`: a purchase's terms in force on [version_from, version_to): the purchase
 *   from its own `at`, each amendment from its `at`. A version counts its quantity on
 *   [GREATEST(version_from, starts_at), LEAST(version_to, expires_at)), i.e. the purchase counts on
 *   [max(at, startsAt), expiresAt) and an amendment takes effect from its own `at`.
 * - `dedication_versions`: `dedicated(org)` on [valid_from, valid_to); a dedication of 0 ends the
 *   version and starts none.
 */
export interface PoolVersionTables {
  purchase_versions: {
    account_id: string;
    purchase_id: string;
    product: string;
    version_from: EpochMs;
    version_to: EpochMs | null;
    starts_at: EpochMs;
    expires_at: EpochMs;
    quantity: number | string;
  };
  dedication_versions: {
    account_id: string;
    product: string;
    org_id: string;
    valid_from: EpochMs;
    valid_to: EpochMs | null;
    quantity: number | string;
  };
}

export const POOL_VERSION_EVENT_TYPES = ['LicensesPurchased', 'PurchaseAmended', 'LicensesDedicated'] as const;

/** Creates the pool version tables (in a projection's migration; `db` is scoped to the new generation). */
export async function createPoolVersionTables(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('purchase_versions')
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('purchase_id', 'text', (c) => c.notNull())
    .addColumn('product', 'text', (c) => c.notNull())
    .addColumn('version_from', 'bigint', (c) => c.notNull())
    .addColumn('version_to', 'bigint')
    .addColumn('starts_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('quantity', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('purchase_versions_pk', ['account_id', 'purchase_id', 'version_from'])
    .execute();
  await db.schema.createIndex('purchase_versions_by_product').on('purchase_versions').columns(['account_id', 'product', 'version_from']).execute();
  await db.schema
    .createTable('dedication_versions')
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('product', 'text', (c) => c.notNull())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('valid_from', 'bigint', (c) => c.notNull())
    .addColumn('valid_to', 'bigint')
    .addColumn('quantity', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('dedication_versions_pk', ['account_id', 'product', 'org_id', 'valid_from'])
    .execute();
}

export async function applyPoolVersionEvents(db: ReadModelDb<PoolVersionTables>, events: readonly StoredLedgerEvent[]): Promise<void> {
  const relevant = events.filter((e) => e.type === 'LicensesPurchased' || e.type === 'PurchaseAmended' || e.type === 'LicensesDedicated');
  if (relevant.length === 0) return;

  const purchases = new VersionedRows<PoolVersionTables, 'purchase_versions'>({
    table: 'purchase_versions',
    entityKey: (v) => keyOf(v.account_id, v.purchase_id),
    fromColumn: 'version_from',
    toColumn: 'version_to',
    primaryKey: ['account_id', 'purchase_id', 'version_from'],
    columns: {
      account_id: 'text',
      purchase_id: 'text',
      product: 'text',
      version_from: 'bigint',
      version_to: 'bigint',
      starts_at: 'bigint',
      expires_at: 'bigint',
      quantity: 'bigint',
    },
  });
  const dedications = new VersionedRows<PoolVersionTables, 'dedication_versions'>({
    table: 'dedication_versions',
    entityKey: (v) => keyOf(v.account_id, v.product, v.org_id),
    fromColumn: 'valid_from',
    toColumn: 'valid_to',
    primaryKey: ['account_id', 'product', 'org_id', 'valid_from'],
    columns: { account_id: 'text', product: 'text', org_id: 'text', valid_from: 'bigint', valid_to: 'bigint', quantity: 'bigint' },
  });

  // The open versions the batch may change (purchases and dedications are few: one query each).
  const amended = relevant.filter((e) => e.type === 'PurchaseAmended').map((e) => ({ account_id: accountOf(e), purchase_id: e.data.purchaseId }));
  if (amended.length > 0) {
    const rows = await db.kysely
      .selectFrom('purchase_versions')
      .selectAll()
      .where('version_to', 'is', null)
      .where((eb) => eb.or(amended.map((a) => eb.and([eb('account_id', '=', a.account_id), eb('purchase_id', '=', a.purchase_id)]))))
      .execute();
    purchases.load(rows.map((r) => ({ ...r, quantity: Number(r.quantity) })));
  }
  const dedicated = relevant
    .filter((e) => e.type === 'LicensesDedicated')
    .map((e) => {
      const d = e.data;
      return { account_id: accountOf(e), product: d.product, org_id: d.orgId };
    });
  if (dedicated.length > 0) {
    const rows = await db.kysely
      .selectFrom('dedication_versions')
      .selectAll()
      .where('valid_to', 'is', null)
      .where((eb) =>
        eb.or(dedicated.map((k) => eb.and([eb('account_id', '=', k.account_id), eb('product', '=', k.product), eb('org_id', '=', k.org_id)]))),
      )
      .execute();
    dedications.load(rows.map((r) => ({ ...r, quantity: Number(r.quantity) })));
  }

  for (const e of relevant) {
    const account_id = accountOf(e);
    const at = occurredAt(e);
    if (e.type === 'LicensesPurchased') {
      const d = e.data;
      purchases.start({
        account_id,
        purchase_id: d.purchaseId,
        product: d.product,
        version_from: at,
        version_to: null,
        starts_at: Date.parse(d.startsAt),
        expires_at: Date.parse(d.expiresAt),
        quantity: d.quantity,
      });
    } else if (e.type === 'PurchaseAmended') {
      const d = e.data;
      const previous = purchases.end(keyOf(account_id, d.purchaseId), at);
      if (!previous) throw new Error(`amendment of unknown purchase '${d.purchaseId}' in account '${account_id}' (event ${e.eventId})`);
      purchases.start({
        ...previous,
        version_from: at,
        version_to: null,
        expires_at: Date.parse(d.expiresAt),
        quantity: d.quantity,
      });
    } else {
      const d = e.data;
      dedications.end(keyOf(account_id, d.product, d.orgId), at);
      if (d.quantity > 0) {
        dedications.start({ account_id, product: d.product, org_id: d.orgId, valid_from: at, valid_to: null, quantity: d.quantity });
      }
    }
  }
  await purchases.flush(db);
  await dedications.flush(db);
}
