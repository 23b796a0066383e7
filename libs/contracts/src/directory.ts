import type { LicenseModel, Product } from '../../domain/src/products.js';

/** The role of an API key (SPEC §6, Security). */
export type ApiKeyRole = 'account-admin' | 'auditor' | 'ingest' | 'operator';

/** `GET /v1/me`: the key a request is made with, and what its role may do. */
export interface KeyInfo {
  readonly keyId: string;
  readonly role: ApiKeyRole;
  /** The account the key is scoped to; null for a global (operator) key. */
  readonly accountId: string | null;
  /** What the role may do: read the account's reports, change it, send telemetry, operate projections. */
  readonly can: {
    readonly readReports: boolean;
    readonly manageAccount: boolean;
    readonly sendTelemetry: boolean;
    readonly operate: boolean;
  };
}

export interface DirectoryOrganization {
  readonly orgId: string;
  readonly name: string;
  /** Null for a top-level organization (directly under the account). */
  readonly parentOrgId: string | null;
  /** "Quality / Automation": names from the top-level organization down. */
  readonly path: string;
}

export interface DirectoryProduct {
  readonly product: Product;
  readonly name: string;
  readonly model: LicenseModel;
  /** Whether the account ever purchased it. */
  readonly purchased: boolean;
}

/** `GET /v1/accounts/{accountId}`: the account, its zone, organization tree and the products. */
export interface AccountDirectory {
  readonly accountId: string;
  readonly name: string;
  /** IANA zone of every day, week and month boundary of the account's reports. */
  readonly timezone: string;
  /** Every organization, parents before children, siblings by name. */
  readonly organizations: readonly DirectoryOrganization[];
  /** Every product of SPEC §1, in its order. */
  readonly products: readonly DirectoryProduct[];
  readonly asOfPosition: string | null;
}

export interface DirectoryUser {
  readonly userId: string;
  readonly name: string;
  readonly email: string;
  readonly orgId: string;
  readonly organization: string;
}

/** `GET /v1/accounts/{accountId}/users`: users matching `q` (name, email or id), by name. */
export interface UsersPage {
  readonly accountId: string;
  readonly total: number;
  readonly users: readonly DirectoryUser[];
}
export type { LicenseModel, Product };
