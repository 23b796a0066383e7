import type { LicenseModel, Product } from '../../domain/src/products.js';

/** The license overview (SPEC §4.7, body §6). `scope` is "account" or an orgId. */

export interface ScopeLine {
  readonly scope: string;
  readonly name: string;
  readonly dedicated: number;
  readonly pool: number;
  readonly used: number;
  readonly available: number;
  readonly offline: number;
}

export interface LicensedUser {
  readonly userId: string;
  readonly name: string;
  readonly email: string;
  readonly licenseSource: string;
  readonly licenseSourceName: string;
}

export interface OnlineLicense {
  readonly machineId: string;
  readonly userId: string;
  readonly sessionId: string;
  readonly startedAt: string;
  readonly lastSeenAt: string;
}

export interface OfflineLicense {
  readonly userId: string;
  readonly machineId: string;
  readonly expiresAt: string;
  readonly unexpired: boolean;
  readonly licenseSource: string;
}

export interface RegisteredMachine {
  readonly machineId: string;
  readonly userId: string;
  readonly registeredAt: string;
}

export interface ProductOverview {
  readonly product: Product;
  readonly model: LicenseModel;
  readonly purchased: number;
  /** Σ machineQuota of the active purchases; null when one of them has none (unlimited). */
  readonly machineQuota: number | null;
  readonly registeredMachines: number;
  /** The latest end among the active purchases; null when none is active. */
  readonly expiresAt: string | null;
  readonly scopes: readonly ScopeLine[];
  readonly licensedUsers: readonly LicensedUser[];
  readonly onlineLicenses: readonly OnlineLicense[];
  readonly offlineLicenses: readonly OfflineLicense[];
  readonly machines: readonly RegisteredMachine[];
  /** Only with `listLimit`: how many rows each list holds in all, of which the body carries the first `listLimit`. */
  readonly listTotals?: LicenseListTotals;
}

/** The lists of a product's overview, by the name of their paged route (`…/licenses/{product}/{list}`). */
export type LicenseListName = 'licensed-users' | 'online-licenses' | 'offline-licenses' | 'machines';

export type LicenseListTotals = { readonly [K in LicenseListKey]: number };

/** The overview's field holding each list. */
export type LicenseListKey = 'licensedUsers' | 'onlineLicenses' | 'offlineLicenses' | 'machines';

export interface LicenseListRows {
  readonly 'licensed-users': LicensedUser;
  readonly 'online-licenses': OnlineLicense;
  readonly 'offline-licenses': OfflineLicense;
  readonly machines: RegisteredMachine;
}

/**
 * One page of one list of the overview (`GET …/licenses/{product}/{list}`): the rows the whole
 * overview lists for the same product, orgId and asOf, in the same order, filtered by `q`.
 */
export interface LicenseListPage<L extends LicenseListName = LicenseListName> {
  readonly report: 'licenses';
  readonly list: L;
  readonly accountId: string;
  readonly product: Product;
  readonly orgId: string | null;
  readonly asOf: string;
  readonly asOfPosition: string | null;
  readonly timezone: string;
  readonly total: number;
  readonly page: number;
  readonly pageSize: number;
  readonly rows: readonly LicenseListRows[L][];
}

export interface LicensesOverview {
  readonly accountId: string;
  /** The instant the overview is computed at (now, or the asOf asked for), ISO UTC. */
  readonly asOf: string;
  readonly asOfPosition: string | null;
  readonly timezone: string;
  readonly orgId: string | null;
  readonly products: readonly ProductOverview[];
}

/** The figures of a scope line that `licenses/explain` explains. */
export type LicensesMetric = 'purchased' | 'dedicated' | 'pool' | 'used' | 'available' | 'offline';
