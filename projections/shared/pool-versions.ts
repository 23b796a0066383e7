import type { Kysely, Transaction } from 'kysely';
import type { EventMap } from '../../libs/domain/src/index.js';
import type { StoredEvent } from '../../libs/event-store/src/event-store.js';
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
    version_from: Date;
    version_to: Date | null;
    starts_at: Date;
    expires_at: Date;
    quantity: number;
  };
  dedication_versions: {
    account_id: string;
    product: string;
    org_id: string;
    valid_from: Date;
    valid_to: Date | null;
    quantity: number;
  };
}

type PurchaseVersion = PoolVersionTables['purchase_versions'];
type DedicationVersion = PoolVersionTables['dedication_versions'];

export const POOL_VERSION_EVENT_TYPES = ['LicensesPurchased', 'PurchaseAmended', 'LicensesDedicated'] as const;

export async function createPoolVersionTables(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('purchase_versions').ifNotExists()
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('purchase_id', 'text', (c) => c.notNull())
    .addColumn('product', 'text', (c) => c.notNull())
    .addColumn('version_from', 'timestamptz', (c) => c.notNull())
    .addColumn('version_to', 'timestamptz')
    .addColumn('starts_at', 'timestamptz', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('quantity', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('purchase_versions_pk', ['account_id', 'purchase_id', 'version_from'])
    .execute();
  await db.schema.createIndex('purchase_versions_by_product').ifNotExists().on('purchase_versions')
    .columns(['account_id', 'product', 'version_from']).execute();
  await db.schema.createTable('dedication_versions').ifNotExists()
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('product', 'text', (c) => c.notNull())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('valid_from', 'timestamptz', (c) => c.notNull())
    .addColumn('valid_to', 'timestamptz')
    .addColumn('quantity', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('dedication_versions_pk', ['account_id', 'product', 'org_id', 'valid_from'])
    .execute();
}

type Data<K extends keyof EventMap> = EventMap[K];

export async function applyPoolVersionEvents(trx: Transaction<any>, events: readonly StoredEvent[]): Promise<void> {
  const relevant = events.filter((e) => e.type === 'LicensesPurchased' || e.type === 'PurchaseAmended' || e.type === 'LicensesDedicated');
  if (relevant.length === 0) return;
  const db = trx as Transaction<PoolVersionTables>;

  const purchases = new VersionedRows<PurchaseVersion>({
    table: 'purchase_versions',
    entityKey: (v) => keyOf(v.account_id, v.purchase_id),
    fromColumn: 'version_from',
    toColumn: 'version_to',
    primaryKey: ['account_id', 'purchase_id', 'version_from'],
    columns: {
      account_id: 'text', purchase_id: 'text', product: 'text', version_from: 'timestamptz', version_to: 'timestamptz',
      starts_at: 'timestamptz', expires_at: 'timestamptz', quantity: 'bigint',
    },
  });
  const dedications = new VersionedRows<DedicationVersion>({
    table: 'dedication_versions',
    entityKey: (v) => keyOf(v.account_id, v.product, v.org_id),
    fromColumn: 'valid_from',
    toColumn: 'valid_to',
    primaryKey: ['account_id', 'product', 'org_id', 'valid_from'],
    columns: { account_id: 'text', product: 'text', org_id: 'text', valid_from: 'timestamptz', valid_to: 'timestamptz', quantity: 'bigint' },
  });

  // The open versions the batch may change (purchases and dedications are few: one query each).
  const amended = relevant.filter((e) => e.type === 'PurchaseAmended')
    .map((e) => ({ account_id: accountOf(e), purchase_id: (e.data as Data<'PurchaseAmended'>).purchaseId }));
  if (amended.length > 0) {
    const rows = await db.selectFrom('purchase_versions').selectAll().where('version_to', 'is', null)
      .where((eb) => eb.or(amended.map((a) => eb.and([eb('account_id', '=', a.account_id), eb('purchase_id', '=', a.purchase_id)]))))
      .execute();
    purchases.load(rows.map((r) => ({ ...r, quantity: Number(r.quantity) })));
  }
  const dedicated = relevant.filter((e) => e.type === 'LicensesDedicated').map((e) => {
    const d = e.data as Data<'LicensesDedicated'>;
    return { account_id: accountOf(e), product: d.product, org_id: d.orgId };
  });
  if (dedicated.length > 0) {
    const rows = await db.selectFrom('dedication_versions').selectAll().where('valid_to', 'is', null)
      .where((eb) => eb.or(dedicated.map((k) => eb.and([
        eb('account_id', '=', k.account_id), eb('product', '=', k.product), eb('org_id', '=', k.org_id),
      ]))))
      .execute();
    dedications.load(rows.map((r) => ({ ...r, quantity: Number(r.quantity) })));
  }

  for (const e of relevant) {
    const account_id = accountOf(e);
    const at = new Date(occurredAt(e));
    if (e.type === 'LicensesPurchased') {
      const d = e.data as Data<'LicensesPurchased'>;
      purchases.start({
        account_id, purchase_id: d.purchaseId, product: d.product, version_from: at, version_to: null,
        starts_at: new Date(d.startsAt), expires_at: new Date(d.expiresAt), quantity: d.quantity,
      });
    } else if (e.type === 'PurchaseAmended') {
      const d = e.data as Data<'PurchaseAmended'>;
      const previous = purchases.end(keyOf(account_id, d.purchaseId), at);
      if (!previous) throw new Error(`amendment of unknown purchase '${d.purchaseId}' in account '${account_id}' (event ${e.eventId})`);
      purchases.start({
        ...previous, version_from: at, version_to: null, expires_at: new Date(d.expiresAt), quantity: d.quantity,
      });
    } else {
      const d = e.data as Data<'LicensesDedicated'>;
      dedications.end(keyOf(account_id, d.product, d.orgId), at);
      if (d.quantity > 0) {
        dedications.start({ account_id, product: d.product, org_id: d.orgId, valid_from: at, valid_to: null, quantity: d.quantity });
      }
    }
  }
  await purchases.flush(trx);
  await dedications.flush(trx);
}
