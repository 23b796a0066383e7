import { productState, type AccountState, type User } from './account-state.js';
import type { LedgerEvent, Scope } from './events.js';
import { sessionDrawsUnit } from './rules/units.js';

/**
 * How an account's state (account-state.ts) follows its events: `evolve`.
 * Snapshots store this state (state-snapshot.ts): changing it or `evolve` → bump ACCOUNT_STATE_VERSION.
 */

export * from './account-state.js';

const ms = (iso: string): number => Date.parse(iso);

/** Folds one event into the state (in place) and returns it. */
export function evolve(state: AccountState, e: LedgerEvent): AccountState {
  const at = ms(e.occurredAt);
  if (at > state.lastAt) state.lastAt = at;
  switch (e.type) {
    case 'AccountOpened':
      state.opened = true;
      state.accountId = e.data.accountId;
      state.name = e.data.name;
      state.timezone = e.data.timezone;
      break;
    case 'AccountTimezoneChanged':
      state.timezone = e.data.timezone;
      break;
    case 'OrganizationCreated':
      state.orgs.set(e.data.orgId, { orgId: e.data.orgId, name: e.data.name, parentOrgId: e.data.parentOrgId });
      break;
    case 'UserRegistered':
      state.users.set(e.data.userId, { ...e.data });
      state.emails.set(e.data.email.toLowerCase(), e.data.userId);
      break;
    case 'UserMoved': {
      const user = state.users.get(e.data.userId);
      if (user) moveHeldUnits(state, user, e.data.orgId);
      break;
    }
    case 'ProjectCreated':
      state.projects.set(e.data.projectId, { ...e.data, members: new Set() });
      break;
    case 'UserAddedToProject':
      state.projects.get(e.data.projectId)?.members.add(e.data.userId);
      break;
    case 'LicensesPurchased':
      state.purchases.set(e.data.purchaseId, {
        purchaseId: e.data.purchaseId,
        product: e.data.product,
        quantity: e.data.quantity,
        startsAt: ms(e.data.startsAt),
        expiresAt: ms(e.data.expiresAt),
        recordedAt: at,
        machineQuota: e.data.machineQuota,
      });
      productState(state, e.data.product);
      break;
    case 'PurchaseAmended': {
      const purchase = state.purchases.get(e.data.purchaseId);
      if (purchase) {
        purchase.quantity = e.data.quantity;
        purchase.expiresAt = ms(e.data.expiresAt);
        purchase.machineQuota = e.data.machineQuota;
      }
      break;
    }
    case 'LicensesDedicated': {
      const { dedications } = productState(state, e.data.product);
      if (e.data.quantity > 0) dedications.set(e.data.orgId, e.data.quantity);
      else dedications.delete(e.data.orgId);
      break;
    }
    case 'SeatAssigned': {
      const ps = productState(state, e.data.product);
      ps.seats.set(e.data.userId, { assignedAt: at, activated: false });
      bump(ps.seatsByOrg, orgOf(state, e.data.userId), 1);
      break;
    }
    case 'SeatUnassigned': {
      const ps = productState(state, e.data.product);
      if (ps.seats.delete(e.data.userId)) bump(ps.seatsByOrg, orgOf(state, e.data.userId), -1);
      break;
    }
    case 'SeatActivated': {
      const seat = productState(state, e.data.product).seats.get(e.data.userId);
      if (seat) seat.activated = true;
      break;
    }
    case 'UserLoggedIn':
    case 'UserActivityRecorded':
    case 'SessionDenied':
    case 'ApplicationDenied':
      break;
    case 'SessionStarted': {
      const drawsUnit = sessionDrawsUnit(e.data.product, e.data.licenseType);
      state.sessions.set(e.data.sessionId, {
        sessionId: e.data.sessionId,
        product: e.data.product,
        userId: e.data.userId,
        machineId: e.data.machineId,
        licenseType: e.data.licenseType,
        startedAt: at,
        lastSeen: at,
        drawsUnit,
      });
      if (drawsUnit) {
        const ps = productState(state, e.data.product);
        ps.unitSessions.add(e.data.sessionId);
        bump(ps.sessionUnitsByOrg, orgOf(state, e.data.userId), 1);
      }
      break;
    }
    case 'SessionHeartbeatRecorded': {
      const session = state.sessions.get(e.data.sessionId);
      if (session) session.lastSeen = at;
      break;
    }
    case 'SessionEnded':
    case 'SessionExpired': {
      const { sessionId } = e.data;
      const closedAs = e.type === 'SessionEnded' ? state.endedSessions : state.expiredSessions;
      const session = state.sessions.get(sessionId);
      if (session) {
        state.sessions.delete(sessionId);
        closedAs.add(sessionId);
        const ps = productState(state, session.product);
        if (ps.unitSessions.delete(sessionId)) bump(ps.sessionUnitsByOrg, orgOf(state, session.userId), -1);
      } else if (state.endedSessions.delete(sessionId) || state.expiredSessions.delete(sessionId)) {
        // Closed already: the latest event says how.
        closedAs.add(sessionId);
      }
      break;
    }
    case 'OfflineLicenseGenerated':
      productState(state, e.data.product).offlineLicenses.push({
        userId: e.data.userId,
        machineId: e.data.machineId,
        expiresAt: ms(e.data.expiresAt),
      });
      break;
    case 'MachineRegistered':
      productState(state, e.data.product).machines.set(e.data.machineId, e.data.userId);
      break;
    case 'MachineDeactivated':
      productState(state, e.data.product).machines.delete(e.data.machineId);
      break;
    case 'ApplicationActivated':
      productState(state, 'TRUETEST').applications.add(e.data.applicationId);
      break;
    case 'ApplicationReleased':
      productState(state, 'TRUETEST').applications.delete(e.data.applicationId);
      break;
    case 'AlertRuleCreated':
      state.alertRules.set(e.data.ruleId, { ...e.data });
      break;
    case 'AlertRuleRemoved':
      state.alertRules.delete(e.data.ruleId);
      break;
    case 'WebhookRegistered':
      state.webhooks.set(e.data.webhookId, { ...e.data });
      break;
    case 'WebhookRemoved':
      state.webhooks.delete(e.data.webhookId);
      break;
    default: {
      const unknown: never = e;
      throw new Error(`no evolve rule for event ${(unknown as { type: string }).type}`);
    }
  }
  return state;
}

function orgOf(state: AccountState, userId: string): string {
  const user = state.users.get(userId);
  if (!user) throw new Error(`event refers to unknown user ${userId}`);
  return user.orgId;
}

function bump(counts: Map<string, number>, orgId: string, delta: number): void {
  const next = (counts.get(orgId) ?? 0) + delta;
  if (next === 0) counts.delete(orgId);
  else counts.set(orgId, next);
}

/** A moved user's seats and unit sessions are counted under the new organization. */
function moveHeldUnits(state: AccountState, user: User, toOrgId: string): void {
  for (const ps of state.products.values()) {
    if (ps.seats.has(user.userId)) {
      bump(ps.seatsByOrg, user.orgId, -1);
      bump(ps.seatsByOrg, toOrgId, 1);
    }
    for (const sessionId of ps.unitSessions) {
      if (state.sessions.get(sessionId)?.userId !== user.userId) continue;
      bump(ps.sessionUnitsByOrg, user.orgId, -1);
      bump(ps.sessionUnitsByOrg, toOrgId, 1);
    }
  }
  user.orgId = toOrgId;
}

/** Whether a session was ever started under `sessionId` in this account, open or not. */
export function sessionIdTaken(state: AccountState, sessionId: string): boolean {
  return state.sessions.has(sessionId) || state.endedSessions.has(sessionId) || state.expiredSessions.has(sessionId);
}

export type { Scope };

/** Whether organization `orgId` is `ancestorOrgId` or below it in the tree (SPEC §4: an org filter takes its descendants). */
export function isWithinOrg(state: AccountState, orgId: string, ancestorOrgId: string): boolean {
  for (let id: string | null = orgId; id !== null; id = state.orgs.get(id)?.parentOrgId ?? null) {
    if (id === ancestorOrgId) return true;
  }
  return false;
}
