import type { Generated, Kysely } from 'kysely';
import { insertRows, type ColumnTypes } from '../../libs/database/src/bulk-rows.js';
import { isPurchaseActive } from '../../libs/domain/src/rules/purchases.js';
import type { StoredLedgerEvent } from '../../libs/event-store/src/stored-ledger-event.js';
import { ms, type EpochMs, type ReadModelDb } from '../engine/read-model-db.js';
import { accountOf, occurredAt } from '../projection.js';

/**
 * Pool history, shared by the usage projections (`sessions`, `applications`): every purchase,
 * amendment and dedication with the business instant it took effect, so a report can answer
 * "purchased / dedicated at the end of this bucket" for any bucket without replaying events
 * (purchases and dedications are few: a report loads them whole). Instants are epoch milliseconds (bigint).
 */

export interface PoolHistoryTables {
  purchase_history: {
    id: Generated<string>;
    account_id: string;
    purchase_id: string;
    product: string;
    kind: 'purchased' | 'amended';
    valid_from: EpochMs;
    quantity: number;
    starts_at: EpochMs | null;
    expires_at: EpochMs;
    machine_quota: number | null;
  };
  dedication_history: { id: Generated<string>; account_id: string; product: string; org_id: string; valid_from: EpochMs; quantity: number };
}

export const POOL_HISTORY_EVENT_TYPES = ['LicensesPurchased', 'PurchaseAmended', 'LicensesDedicated'] as const;

/** Creates the pool history tables (in a projection's migration; `db` is scoped to the new generation). */
export async function createPoolHistoryTables(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('purchase_history')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('purchase_id', 'text', (c) => c.notNull())
    .addColumn('product', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('valid_from', 'bigint', (c) => c.notNull())
    .addColumn('quantity', 'integer', (c) => c.notNull())
    .addColumn('starts_at', 'bigint')
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('machine_quota', 'integer')
    .execute();
  await db.schema.createIndex('purchase_history_by_product').on('purchase_history').columns(['account_id', 'product', 'id']).execute();
  await db.schema
    .createTable('dedication_history')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('product', 'text', (c) => c.notNull())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('valid_from', 'bigint', (c) => c.notNull())
    .addColumn('quantity', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('dedication_history_by_product').on('dedication_history').columns(['account_id', 'product', 'id']).execute();
}

type PurchaseHistoryRow = Omit<PoolHistoryTables['purchase_history'], 'id'>;
type DedicationHistoryRow = Omit<PoolHistoryTables['dedication_history'], 'id'>;

const PURCHASE_HISTORY_COLUMNS: ColumnTypes<PurchaseHistoryRow> = {
  account_id: 'text',
  purchase_id: 'text',
  product: 'text',
  kind: 'text',
  valid_from: 'bigint',
  quantity: 'integer',
  starts_at: 'bigint',
  expires_at: 'bigint',
  machine_quota: 'integer',
};
const DEDICATION_HISTORY_COLUMNS: ColumnTypes<DedicationHistoryRow> = {
  account_id: 'text',
  product: 'text',
  org_id: 'text',
  valid_from: 'bigint',
  quantity: 'integer',
};

/** Appends the batch's purchases, amendments and dedications (of `products`, or all) in log order. */
export async function applyPoolHistory(
  db: ReadModelDb<PoolHistoryTables>,
  events: readonly StoredLedgerEvent[],
  products?: ReadonlySet<string>,
): Promise<void> {
  const purchases: PurchaseHistoryRow[] = [];
  const dedications: DedicationHistoryRow[] = [];
  for (const e of events) {
    if (e.type === 'LicensesPurchased') {
      const d = e.data;
      if (products && !products.has(d.product)) continue;
      purchases.push({
        account_id: accountOf(e),
        purchase_id: d.purchaseId,
        product: d.product,
        kind: 'purchased',
        valid_from: occurredAt(e),
        quantity: d.quantity,
        starts_at: Date.parse(d.startsAt),
        expires_at: Date.parse(d.expiresAt),
        machine_quota: d.machineQuota,
      });
    } else if (e.type === 'PurchaseAmended') {
      const d = e.data;
      if (products && !products.has(d.product)) continue;
      purchases.push({
        account_id: accountOf(e),
        purchase_id: d.purchaseId,
        product: d.product,
        kind: 'amended',
        valid_from: occurredAt(e),
        quantity: d.quantity,
        starts_at: null,
        expires_at: Date.parse(d.expiresAt),
        machine_quota: d.machineQuota,
      });
    } else if (e.type === 'LicensesDedicated') {
      const d = e.data;
      if (products && !products.has(d.product)) continue;
      dedications.push({ account_id: accountOf(e), product: d.product, org_id: d.orgId, valid_from: occurredAt(e), quantity: d.quantity });
    }
  }
  // Rows go in log order (unnest keeps the arrays' order): `id` (bigserial) then orders versions of the same instant.
  await insertRows(db.kysely, db.table('purchase_history'), PURCHASE_HISTORY_COLUMNS, purchases);
  await insertRows(db.kysely, db.table('dedication_history'), DEDICATION_HISTORY_COLUMNS, dedications);
}

/** One purchase as it stood after a given version: what `isPurchaseActive` of the domain needs. */
export interface PurchaseVersion {
  readonly purchaseId: string;
  /** Business instant this version took effect (the purchase's or the amendment's `at`). */
  readonly validFrom: number;
  readonly quantity: number;
  readonly startsAt: number;
  readonly expiresAt: number;
  /** When the purchase itself was recorded: it never counts before (SPEC §2). */
  readonly recordedAt: number;
  readonly machineQuota: number | null;
}

export interface DedicationVersion {
  readonly orgId: string;
  readonly validFrom: number;
  readonly quantity: number;
}

/** The pool history of one product, loaded once per report. */
export class PoolHistory {
  constructor(
    /** Versions in log order. */
    readonly purchases: readonly PurchaseVersion[],
    readonly dedications: readonly DedicationVersion[],
  ) {}

  static async load(db: ReadModelDb<PoolHistoryTables>, accountId: string, product: string): Promise<PoolHistory> {
    const k = db.kysely;
    const [purchaseRows, dedicationRows] = await Promise.all([
      k.selectFrom('purchase_history').selectAll().where('account_id', '=', accountId).where('product', '=', product).orderBy('id').execute(),
      k.selectFrom('dedication_history').selectAll().where('account_id', '=', accountId).where('product', '=', product).orderBy('id').execute(),
    ]);
    const originals = new Map<string, { startsAt: number; recordedAt: number }>();
    const purchases: PurchaseVersion[] = [];
    for (const row of purchaseRows) {
      const validFrom = ms(row.valid_from);
      if (row.kind === 'purchased' && row.starts_at !== null) originals.set(row.purchase_id, { startsAt: ms(row.starts_at), recordedAt: validFrom });
      const original = originals.get(row.purchase_id);
      if (!original) continue;
      purchases.push({
        purchaseId: row.purchase_id,
        validFrom,
        quantity: row.quantity,
        startsAt: original.startsAt,
        expiresAt: ms(row.expires_at),
        recordedAt: original.recordedAt,
        machineQuota: row.machine_quota,
      });
    }
    const dedications = dedicationRows.map((row) => ({ orgId: row.org_id, validFrom: ms(row.valid_from), quantity: row.quantity }));
    return new PoolHistory(purchases, dedications);
  }

  /** Each purchase as it stood after every version with `validFrom ≤ at`. */
  purchasesAt(at: number): PurchaseVersion[] {
    const latest = new Map<string, PurchaseVersion>();
    for (const v of this.purchases) if (v.validFrom <= at) latest.set(v.purchaseId, v);
    return [...latest.values()];
  }

  /** Σ quantity of the purchases active at `at` (the account's `dedicated`), after amendments up to `at`. */
  purchasedAt(at: number): number {
    let total = 0;
    for (const p of this.purchasesAt(at)) if (isPurchaseActive(p, at)) total += p.quantity;
    return total;
  }

  /** An org's dedicated quantity after every dedication with `validFrom ≤ at` (0 = none). */
  dedicatedAt(orgId: string, at: number): number {
    let quantity = 0;
    for (const v of this.dedications) if (v.orgId === orgId && v.validFrom <= at) quantity = v.quantity;
    return quantity;
  }

  /** `dedicated(scope)` at `at`: the purchased quantity for the account, the dedication for an org. */
  dedicatedScopeAt(orgId: string | null, at: number): number {
    return orgId === null ? this.purchasedAt(at) : this.dedicatedAt(orgId, at);
  }

  /** orgId → dedicated quantity (> 0) after every dedication with `validFrom ≤ at`. */
  dedicationsAt(at: number): Map<string, number> {
    const current = new Map<string, number>();
    for (const v of this.dedications) {
      if (v.validFrom > at) continue;
      if (v.quantity > 0) current.set(v.orgId, v.quantity);
      else current.delete(v.orgId);
    }
    return current;
  }
}
