import type { AlertKind } from './alerts/alert-kinds.js';
import type { LicenseType } from './commands.js';
import type { Product } from './products.js';

/**
 * Events of the ledger. Each is stored with metadata (SPEC §3); `occurredAt` there is the
 * business time. A license source is a scope id: 'account' or the orgId of a dedicated org.
 */
export type Scope = 'account' | string;
export const ACCOUNT_SCOPE = 'account';

export interface EventMap {
  AccountOpened: { accountId: string; name: string; timezone: string };
  AccountTimezoneChanged: { timezone: string; previousTimezone: string };
  OrganizationCreated: { orgId: string; name: string; parentOrgId: string | null };
  UserRegistered: { userId: string; email: string; fullName: string; orgId: string };
  UserMoved: { userId: string; fromOrgId: string; orgId: string };
  ProjectCreated: { projectId: string; name: string; orgId: string };
  UserAddedToProject: { projectId: string; userId: string };
  LicensesPurchased: {
    purchaseId: string;
    product: Product;
    quantity: number;
    startsAt: string;
    expiresAt: string;
    machineQuota: number | null;
  };
  PurchaseAmended: { purchaseId: string; product: Product; quantity: number; expiresAt: string; machineQuota: number | null };
  LicensesDedicated: { product: Product; orgId: string; quantity: number; previousQuantity: number };
  SeatAssigned: { product: Product; userId: string; licenseSource: Scope };
  SeatUnassigned: { product: Product; userId: string };
  UserLoggedIn: { product: Product; userId: string; machineId: string | null };
  SeatActivated: { product: Product; userId: string };
  UserActivityRecorded: { product: Product; userId: string; action: string };
  SessionStarted: {
    product: Product;
    sessionId: string;
    userId: string;
    machineId: string;
    licenseType: LicenseType;
    licenseSource: Scope;
  };
  SessionDenied: { product: Product; sessionId: string; userId: string; machineId: string; reason: string; licenseSource: Scope };
  SessionHeartbeatRecorded: { sessionId: string; product: Product };
  SessionEnded: { sessionId: string; product: Product; endedAt: string };
  SessionExpired: { sessionId: string; product: Product; endedAt: string };
  OfflineLicenseGenerated: { product: Product; userId: string; machineId: string; expiresAt: string; licenseSource: Scope };
  MachineRegistered: { product: Product; machineId: string; userId: string };
  MachineDeactivated: { product: Product; machineId: string; userId: string };
  ApplicationActivated: { product: 'TRUETEST'; applicationId: string };
  ApplicationDenied: { product: 'TRUETEST'; applicationId: string; reason: string };
  ApplicationReleased: { product: 'TRUETEST'; applicationId: string };
  AlertRuleCreated: { ruleId: string; kind: AlertKind; product: Product; scope: Scope; threshold: number; windowSeconds: number };
  AlertRuleRemoved: { ruleId: string };
  /** The secret itself is kept outside the log (encrypted); the event names it by a keyed fingerprint. */
  WebhookRegistered: { webhookId: string; url: string; secretFingerprint: string };
  WebhookRemoved: { webhookId: string };
}

export type EventType = keyof EventMap;

/** An event as the domain produces it: type, payload and the business instant it happened. */
export type LedgerEvent = { [K in EventType]: { type: K; data: EventMap[K]; occurredAt: string } }[EventType];

export type EventOf<K extends EventType> = Extract<LedgerEvent, { type: K }>;

export const EVENT_TYPES: readonly EventType[] = [
  'AccountOpened',
  'AccountTimezoneChanged',
  'OrganizationCreated',
  'UserRegistered',
  'UserMoved',
  'ProjectCreated',
  'UserAddedToProject',
  'LicensesPurchased',
  'PurchaseAmended',
  'LicensesDedicated',
  'SeatAssigned',
  'SeatUnassigned',
  'UserLoggedIn',
  'SeatActivated',
  'UserActivityRecorded',
  'SessionStarted',
  'SessionDenied',
  'SessionHeartbeatRecorded',
  'SessionEnded',
  'SessionExpired',
  'OfflineLicenseGenerated',
  'MachineRegistered',
  'MachineDeactivated',
  'ApplicationActivated',
  'ApplicationDenied',
  'ApplicationReleased',
  'AlertRuleCreated',
  'AlertRuleRemoved',
  'WebhookRegistered',
  'WebhookRemoved',
];

/** Version of the payload shapes above; bump with an upcaster when one changes. */
export const EVENT_SCHEMA_VERSION = 1;

export function event<K extends EventType>(type: K, data: EventMap[K], occurredAt: string): EventOf<K> {
  return { type, data, occurredAt } as EventOf<K>;
}
