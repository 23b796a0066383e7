import type { AlertKind } from './alerts/alert-kinds.js';
import type { Product } from './products.js';

/**
 * Commands of SPEC §3, as the domain sees them once validated: `at` is a normalised ISO
 * instant (UTC), instants inside commands too.
 */
interface Base {
  readonly accountId: string;
  /** Business time of the command (ISO instant, UTC). */
  readonly at: string;
  readonly commandId?: string;
}

export interface OpenAccount extends Base {
  readonly type: 'OpenAccount';
  readonly name: string;
  readonly timezone: string;
}
export interface ChangeAccountTimezone extends Base {
  readonly type: 'ChangeAccountTimezone';
  readonly timezone: string;
}
export interface CreateOrganization extends Base {
  readonly type: 'CreateOrganization';
  readonly orgId: string;
  readonly name: string;
  readonly parentOrgId?: string | null;
}
export interface RegisterUser extends Base {
  readonly type: 'RegisterUser';
  readonly userId: string;
  readonly email: string;
  readonly fullName: string;
  readonly orgId: string;
}
export interface MoveUser extends Base {
  readonly type: 'MoveUser';
  readonly userId: string;
  readonly orgId: string;
}
export interface CreateProject extends Base {
  readonly type: 'CreateProject';
  readonly projectId: string;
  readonly name: string;
  readonly orgId: string;
}
export interface AddUserToProject extends Base {
  readonly type: 'AddUserToProject';
  readonly projectId: string;
  readonly userId: string;
}
export interface PurchaseLicenses extends Base {
  readonly type: 'PurchaseLicenses';
  readonly purchaseId: string;
  readonly product: Product;
  readonly quantity: number;
  readonly startsAt: string;
  readonly expiresAt: string;
  readonly machineQuota?: number | null;
}
export interface AmendPurchase extends Base {
  readonly type: 'AmendPurchase';
  readonly purchaseId: string;
  readonly quantity?: number;
  readonly expiresAt?: string;
  readonly machineQuota?: number | null;
}
export interface DedicateLicenses extends Base {
  readonly type: 'DedicateLicenses';
  readonly product: Product;
  readonly orgId: string;
  readonly quantity: number;
}
export interface AssignSeat extends Base {
  readonly type: 'AssignSeat';
  readonly product: Product;
  readonly userId: string;
}
export interface UnassignSeat extends Base {
  readonly type: 'UnassignSeat';
  readonly product: Product;
  readonly userId: string;
}
export interface RecordLogin extends Base {
  readonly type: 'RecordLogin';
  readonly product: Product;
  readonly userId: string;
  readonly machineId?: string;
}
export interface RecordActivity extends Base {
  readonly type: 'RecordActivity';
  readonly product: Product;
  readonly userId: string;
  readonly action: string;
}
export type LicenseType = 'online' | 'offline';
export interface StartSession extends Base {
  readonly type: 'StartSession';
  readonly product: Product;
  readonly sessionId: string;
  readonly userId: string;
  readonly machineId: string;
  readonly licenseType?: LicenseType;
}
export interface HeartbeatSession extends Base {
  readonly type: 'HeartbeatSession';
  readonly sessionId: string;
}
export interface EndSession extends Base {
  readonly type: 'EndSession';
  readonly sessionId: string;
}
/** Appends SessionExpired for every session whose lease has lapsed by `at` (the reaper's command). */
export interface ExpireSessions extends Base {
  readonly type: 'ExpireSessions';
}
export interface GenerateOfflineLicense extends Base {
  readonly type: 'GenerateOfflineLicense';
  readonly product: Product;
  readonly userId: string;
  readonly machineId: string;
  readonly expiresAt?: string;
}
export interface RevokeOfflineLicense extends Base {
  readonly type: 'RevokeOfflineLicense';
  readonly product: Product;
  readonly machineId: string;
}
export interface RegisterMachine extends Base {
  readonly type: 'RegisterMachine';
  readonly product: Product;
  readonly machineId: string;
  readonly userId: string;
}
export interface DeactivateMachine extends Base {
  readonly type: 'DeactivateMachine';
  readonly product: Product;
  readonly machineId: string;
  readonly userId: string;
}
export interface ActivateApplication extends Base {
  readonly type: 'ActivateApplication';
  readonly applicationId: string;
}
export interface ReleaseApplication extends Base {
  readonly type: 'ReleaseApplication';
  readonly applicationId: string;
}

export interface CreateAlertRule extends Base {
  readonly type: 'CreateAlertRule';
  readonly ruleId: string;
  readonly kind: AlertKind;
  readonly product: Product;
  readonly scope: string;
  readonly threshold?: number;
  readonly windowSeconds?: number;
}
export interface RemoveAlertRule extends Base {
  readonly type: 'RemoveAlertRule';
  readonly ruleId: string;
}
/**
 * A webhook as the decider sees it: the ledger has already put the secret away (encrypted, outside
 * the log) and passes only its fingerprint.
 */
export interface RegisterWebhook extends Base {
  readonly type: 'RegisterWebhook';
  readonly webhookId: string;
  readonly url: string;
  readonly secretFingerprint: string;
}
export interface RemoveWebhook extends Base {
  readonly type: 'RemoveWebhook';
  readonly webhookId: string;
}

export type LedgerCommand =
  | OpenAccount
  | ChangeAccountTimezone
  | CreateOrganization
  | RegisterUser
  | MoveUser
  | CreateProject
  | AddUserToProject
  | PurchaseLicenses
  | AmendPurchase
  | DedicateLicenses
  | AssignSeat
  | UnassignSeat
  | RecordLogin
  | RecordActivity
  | StartSession
  | HeartbeatSession
  | EndSession
  | ExpireSessions
  | GenerateOfflineLicense
  | RevokeOfflineLicense
  | RegisterMachine
  | DeactivateMachine
  | ActivateApplication
  | ReleaseApplication
  | CreateAlertRule
  | RemoveAlertRule
  | RegisterWebhook
  | RemoveWebhook;

export type CommandType = LedgerCommand['type'];

/** Commands an `ingest` key may send (SPEC §6, Security): telemetry only. */
export const TELEMETRY_COMMANDS: readonly CommandType[] = ['RecordLogin', 'RecordActivity', 'StartSession', 'HeartbeatSession', 'EndSession'];
