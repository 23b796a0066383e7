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
