import type { AlertRuleSpec } from './alerts/alert-rules.js';
import type { LicenseType } from './commands.js';
import type { Product } from './products.js';
import type { AccountState, OfflineLicense, Organization, ProductState, Project, Purchase, Session, User, Webhook } from './state.js';

/**
 * The version of the account decider's state: what `AccountState` holds and how `evolve` fills it.
 * Bump it with every change to either (a field added, a count kept differently, an event folded
 * another way): a snapshot taken by another version is ignored and the state is folded from the
 * stream again (docs/decisions.md, "Account-state snapshots").
 */
export const ACCOUNT_STATE_VERSION = 2;

/** A snapshot that cannot be read back: another version, or not the shape `encodeAccountState` writes. */
export class StateSnapshotFormatError extends Error {
  constructor(message: string) {
    super(`account-state snapshot: ${message}`);
    this.name = 'StateSnapshotFormatError';
  }
}

/**
 * A timestamp as JSON keeps it: a finite number as is, the others (−∞ before the first event) as
 * their name, since JSON has no such numbers.
 */
type Time = number | string;

/** userId, assignedAt, activated. */
type SeatRow = [string, Time, boolean];
/** sessionId (its key), product, userId, machineId, licenseType, startedAt, lastSeen, drawsUnit. */
type SessionRow = [string, Product, string, string, LicenseType, Time, Time, boolean];
type OfflineRow = [string, string, Time];
type PurchaseRow = Omit<Purchase, 'startsAt' | 'expiresAt' | 'recordedAt'> & { startsAt: Time; expiresAt: Time; recordedAt: Time };
type ProjectRow = Omit<Project, 'members'> & { members: string[] };

interface ProductRow {
  dedications: [string, number][];
  seats: SeatRow[];
  unitSessions: string[];
  offlineLicenses: OfflineRow[];
  machines: [string, string][];
  applications: string[];
  seatsByOrg: [string, number][];
  sessionUnitsByOrg: [string, number][];
}

/**
 * The JSON form of an `AccountState`. Every Map and Set keeps its insertion order, so a restored
 * state iterates like the folded one. Bigints travel as numbers (revisions stay far below 2^53;
 * encoding refuses one that does not).
 */
interface EncodedState {
  version: number;
  opened: boolean;
  accountId: string;
  name: string;
  timezone: string;
  lastAt: Time;
  revision: number;
  orgs: [string, Organization][];
  users: [string, User][];
  emails: [string, string][];
  projects: [string, ProjectRow][];
  purchases: [string, PurchaseRow][];
  products: [Product, ProductRow][];
  sessions: SessionRow[];
  endedSessions: string[];
  expiredSessions: string[];
  alertRules: [string, AlertRuleSpec][];
  webhooks: [string, Webhook][];
}

/** The state as a JSON text for `decodeAccountState`, stamped with `ACCOUNT_STATE_VERSION`. */
export function encodeAccountState(state: AccountState): string {
  const encoded: EncodedState = {
    version: ACCOUNT_STATE_VERSION,
    opened: state.opened,
    accountId: state.accountId,
    name: state.name,
    timezone: state.timezone,
    lastAt: time(state.lastAt),
    revision: safeNumber(state.revision, 'the revision'),
    orgs: [...state.orgs],
    users: [...state.users],
    emails: [...state.emails],
    projects: [...state.projects].map(([id, p]) => [id, { ...p, members: [...p.members] }]),
    purchases: [...state.purchases].map(([id, p]) => [
      id,
      { ...p, startsAt: time(p.startsAt), expiresAt: time(p.expiresAt), recordedAt: time(p.recordedAt) },
    ]),
    products: [...state.products].map(([product, ps]) => [product, encodeProduct(ps)]),
    sessions: [...state.sessions].map(([id, s]) => {
      if (id !== s.sessionId) throw new StateSnapshotFormatError(`session ${s.sessionId} is filed under ${id}`);
      return [id, s.product, s.userId, s.machineId, s.licenseType, time(s.startedAt), time(s.lastSeen), s.drawsUnit];
    }),
    endedSessions: [...state.endedSessions],
    expiredSessions: [...state.expiredSessions],
    alertRules: [...state.alertRules],
    webhooks: [...state.webhooks],
  };
  return JSON.stringify(encoded);
}

/**
 * The state `encodeAccountState` wrote. Throws `StateSnapshotFormatError` for a snapshot of another
 * `ACCOUNT_STATE_VERSION` or a text that is not one.
 */
export function decodeAccountState(text: string): AccountState {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new StateSnapshotFormatError(`not JSON (${(error as Error).message})`);
  }
  const e = checkShape(parsed);
  return {
    opened: e.opened,
    accountId: e.accountId,
    name: e.name,
    timezone: e.timezone,
    lastAt: Number(e.lastAt),
    revision: BigInt(e.revision),
    orgs: new Map(e.orgs),
    users: new Map(e.users),
    emails: new Map(e.emails),
    projects: new Map(e.projects.map(([id, p]) => [id, { ...p, members: new Set(p.members) }])),
    purchases: new Map(
      e.purchases.map(([id, p]) => [id, { ...p, startsAt: Number(p.startsAt), expiresAt: Number(p.expiresAt), recordedAt: Number(p.recordedAt) }]),
    ),
    products: new Map(e.products.map(([product, row]) => [product, decodeProduct(row)])),
    sessions: new Map(e.sessions.map((row) => [row[0], decodeSession(row)])),
    endedSessions: new Set(e.endedSessions),
    expiredSessions: new Set(e.expiredSessions),
    alertRules: new Map(e.alertRules),
    webhooks: new Map(e.webhooks),
  };
}

function encodeProduct(ps: ProductState): ProductRow {
  return {
    dedications: [...ps.dedications],
    seats: [...ps.seats].map(([userId, seat]) => [userId, time(seat.assignedAt), seat.activated]),
    unitSessions: [...ps.unitSessions],
    offlineLicenses: ps.offlineLicenses.map((o) => [o.userId, o.machineId, time(o.expiresAt)]),
    machines: [...ps.machines],
    applications: [...ps.applications],
    seatsByOrg: [...ps.seatsByOrg],
    sessionUnitsByOrg: [...ps.sessionUnitsByOrg],
  };
}

function decodeProduct(row: ProductRow): ProductState {
  return {
    dedications: new Map(row.dedications),
    seats: new Map(row.seats.map(([userId, assignedAt, activated]) => [userId, { assignedAt: Number(assignedAt), activated }])),
    unitSessions: new Set(row.unitSessions),
    offlineLicenses: row.offlineLicenses.map(([userId, machineId, expiresAt]): OfflineLicense => ({
      userId,
      machineId,
      expiresAt: Number(expiresAt),
    })),
    machines: new Map(row.machines),
    applications: new Set(row.applications),
    seatsByOrg: new Map(row.seatsByOrg),
    sessionUnitsByOrg: new Map(row.sessionUnitsByOrg),
  };
}

function decodeSession([sessionId, product, userId, machineId, licenseType, startedAt, lastSeen, drawsUnit]: SessionRow): Session {
  return { sessionId, product, userId, machineId, licenseType, startedAt: Number(startedAt), lastSeen: Number(lastSeen), drawsUnit };
}

const ARRAYS: readonly (keyof EncodedState)[] = [
  'orgs',
  'users',
  'emails',
  'projects',
  'purchases',
  'products',
  'sessions',
  'endedSessions',
  'expiredSessions',
  'alertRules',
  'webhooks',
];

/** The version and the outline; what is inside was written by `encodeAccountState` (the store checks its checksum). */
function checkShape(parsed: unknown): EncodedState {
  if (typeof parsed !== 'object' || parsed === null) throw new StateSnapshotFormatError('not an object');
  const e = parsed as Partial<EncodedState>;
  if (e.version !== ACCOUNT_STATE_VERSION) {
    throw new StateSnapshotFormatError(`taken by state version ${String(e.version)}, this decider is version ${ACCOUNT_STATE_VERSION}`);
  }
  for (const key of ARRAYS) if (!Array.isArray(e[key])) throw new StateSnapshotFormatError(`${key} is not a list`);
  if (!Number.isSafeInteger(e.revision)) throw new StateSnapshotFormatError('revision is not a whole number');
  return e as EncodedState;
}

function time(ms: number): Time {
  return Number.isFinite(ms) ? ms : String(ms);
}

function safeNumber(value: bigint, what: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new StateSnapshotFormatError(`${what} ${value} does not fit a snapshot`);
  return n;
}
