import { isAlertKind } from './alerts/alert-kinds.js';
import type { LicenseType } from './commands.js';
import { EVENT_SCHEMA_VERSION, type EventMap, type EventType } from './events.js';
import { isProduct } from './products.js';

/**
 * The one place a stored payload becomes a typed event: `decodeEvent` brings an old payload up to
 * the current shape (the upcasters below, keyed by the `schemaVersion` it was written with), then
 * checks it field by field against `EVENT_SHAPES`. Everything that folds events (the decider, the
 * projections, the audit replays) receives them through it and narrows by `type`, never by a cast.
 */

/** An event's type and payload, checked: narrowing on `type` gives `data` its shape. */
export type LedgerEventBody = { [K in EventType]: { readonly type: K; readonly data: EventMap[K] } }[EventType];

/** A stored payload that is not an event of the ledger, or not of its type's shape. */
export class EventDecodingError extends Error {
  constructor(
    readonly type: string,
    readonly schemaVersion: number,
    readonly reason: string,
  ) {
    super(`cannot decode a ${type} event (schema version ${schemaVersion}): ${reason}`);
    this.name = 'EventDecodingError';
  }
}

/**
 * Brings a payload written with schema version `n` to version `n + 1` (`type` tells which event it
 * is). Register one under `n` when a payload's shape changes and bump `EVENT_SCHEMA_VERSION`: events
 * already in the log keep their old shape and are upcast on every read.
 */
export type Upcaster = (type: EventType, data: Readonly<Record<string, unknown>>) => Record<string, unknown>;

/** The payload shapes this release reads: the current version and how older ones are brought up to it. */
export interface EventSchema {
  readonly version: number;
  readonly upcasters: Readonly<Record<number, Upcaster>>;
}

/** Version 1 is the first shape, so there is nothing to upcast yet. */
export const EVENT_SCHEMA: EventSchema = { version: EVENT_SCHEMA_VERSION, upcasters: {} };

type Guard<T> = (value: unknown) => value is T;
/** Each event type's fields and the check each must pass; the type keeps it in step with `EventMap`. */
type EventShapes = { readonly [K in EventType]: { readonly [F in keyof EventMap[K]]-?: Guard<EventMap[K][F]> } };

const text: Guard<string> = (v): v is string => typeof v === 'string';
const count: Guard<number> = (v): v is number => typeof v === 'number' && Number.isFinite(v);
const textOrNull: Guard<string | null> = (v): v is string | null => v === null || typeof v === 'string';
const countOrNull: Guard<number | null> = (v): v is number | null => v === null || count(v);
const licenseType: Guard<LicenseType> = (v): v is LicenseType => v === 'online' || v === 'offline';
const trueTest: Guard<'TRUETEST'> = (v): v is 'TRUETEST' => v === 'TRUETEST';
const product = isProduct;

export const EVENT_SHAPES: EventShapes = {
  AccountOpened: { accountId: text, name: text, timezone: text },
  AccountTimezoneChanged: { timezone: text, previousTimezone: text },
  OrganizationCreated: { orgId: text, name: text, parentOrgId: textOrNull },
  UserRegistered: { userId: text, email: text, fullName: text, orgId: text },
  UserMoved: { userId: text, fromOrgId: text, orgId: text },
  ProjectCreated: { projectId: text, name: text, orgId: text },
  UserAddedToProject: { projectId: text, userId: text },
  LicensesPurchased: {
    purchaseId: text,
    product,
    quantity: count,
    startsAt: text,
    expiresAt: text,
    machineQuota: countOrNull,
  },
  PurchaseAmended: { purchaseId: text, product, quantity: count, expiresAt: text, machineQuota: countOrNull },
  LicensesDedicated: { product, orgId: text, quantity: count, previousQuantity: count },
  SeatAssigned: { product, userId: text, licenseSource: text },
  SeatUnassigned: { product, userId: text },
  UserLoggedIn: { product, userId: text, machineId: textOrNull },
  SeatActivated: { product, userId: text },
  UserActivityRecorded: { product, userId: text, action: text },
  SessionStarted: { product, sessionId: text, userId: text, machineId: text, licenseType, licenseSource: text },
  SessionDenied: { product, sessionId: text, userId: text, machineId: text, reason: text, licenseSource: text },
  SessionHeartbeatRecorded: { sessionId: text, product },
  SessionEnded: { sessionId: text, product, endedAt: text },
  SessionExpired: { sessionId: text, product, endedAt: text },
  OfflineLicenseGenerated: { product, userId: text, machineId: text, expiresAt: text, licenseSource: text },
  MachineRegistered: { product, machineId: text, userId: text },
  MachineDeactivated: { product, machineId: text, userId: text },
  ApplicationActivated: { product: trueTest, applicationId: text },
  ApplicationDenied: { product: trueTest, applicationId: text, reason: text },
  ApplicationReleased: { product: trueTest, applicationId: text },
  AlertRuleCreated: { ruleId: text, kind: isAlertKind, product, scope: text, threshold: count, windowSeconds: count },
  AlertRuleRemoved: { ruleId: text },
  WebhookRegistered: { webhookId: text, url: text, secretFingerprint: text },
  WebhookRemoved: { webhookId: text },
};

export function isEventType(type: string): type is EventType {
  return Object.prototype.hasOwnProperty.call(EVENT_SHAPES, type);
}

function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The first field of `data` that does not pass its check, or null when every field does. */
function badField(type: EventType, data: Readonly<Record<string, unknown>>): string | null {
  const shape: Readonly<Record<string, (value: unknown) => boolean>> = EVENT_SHAPES[type];
  for (const field in shape) if (!shape[field](data[field])) return field;
  return null;
}

function isLedgerEventBody(body: { readonly type: EventType; readonly data: Readonly<Record<string, unknown>> }): body is LedgerEventBody {
  return badField(body.type, body.data) === null;
}

/**
 * A stored event's type and payload as the current shape, checked. Throws `EventDecodingError` naming
 * the field for a payload that does not fit, an unknown type, or a version newer than this release.
 `schema` is for tests of the upcasting path; the log is always read with `EVENT_SCHEMA`.
 */
export function decodeEvent(type: string, data: unknown, schemaVersion: number, schema: EventSchema = EVENT_SCHEMA): LedgerEventBody {
  if (!isEventType(type)) throw new EventDecodingError(type, schemaVersion, 'not an event type of the ledger');
  if (!Number.isInteger(schemaVersion) || schemaVersion < 1 || schemaVersion > schema.version) {
    throw new EventDecodingError(type, schemaVersion, `this release reads schema versions 1 to ${schema.version}`);
  }
  if (!isRecord(data)) throw new EventDecodingError(type, schemaVersion, 'the payload is not an object');
  let current: Readonly<Record<string, unknown>> = data;
  for (let version = schemaVersion; version < schema.version; version++) {
    const upcast = schema.upcasters[version];
    if (!upcast) throw new EventDecodingError(type, schemaVersion, `no upcaster from schema version ${version}`);
    current = upcast(type, current);
  }
  const body = { type, data: current };
  if (isLedgerEventBody(body)) return body;
  const field = badField(type, current);
  throw new EventDecodingError(type, schemaVersion, `field "${field}" is missing or not of its type (${JSON.stringify(current[field ?? ''])})`);
}
