import type * as C from './commands.js';
import { DomainError, validationError } from './errors.js';
import { event, type LedgerEvent } from './events.js';
import { leaseLapsesAt, isLeaseLive } from './rules/lease.js';
import type { AccountState } from './state.js';
import { AccountAtCommand, ok, type Decision } from './decisions/account-at-command.js';
import { recordActivity, recordLogin } from './decisions/activity.js';
import { createAlertRule, registerWebhook, removeAlertRule, removeWebhook } from './decisions/alert-rules.js';
import { activateApplication, releaseApplication } from './decisions/applications.js';
import { dedicate } from './decisions/dedications.js';
import { addUserToProject, changeTimezone, createOrganization, createProject, moveUser, openAccount, registerUser } from './decisions/directory.js';
import { deactivateMachine, generateOfflineLicense, registerMachine, revokeOfflineLicense } from './decisions/offline-and-machines.js';
import { amendPurchase, purchase } from './decisions/purchases-and-pools.js';
import { assignSeat, unassignSeat } from './decisions/seats.js';
import { endSession, heartbeat, startSession } from './decisions/sessions.js';

export { capacityDenied, type Decision } from './decisions/account-at-command.js';

/** What the decider needs besides state and command: the wall clock and the session lease. */
export interface DecideContext {
  /** Wall-clock now (ms since epoch), injected. */
  readonly now: number;
  readonly leaseMs: number;
}

/** Commands may not be dated more than this far after the wall clock. */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;

export function decide(state: AccountState, command: C.LedgerCommand, ctx: DecideContext): Decision {
  try {
    checkTime(state, command, ctx);
    const at = Date.parse(command.at);
    // Sessions whose lease lapsed are recorded as expired before anything else is decided.
    const expired = expireLapsedSessions(state, at, ctx.leaseMs, command.at);
    const result = apply(new AccountAtCommand(state, command.at, at, ctx.leaseMs), command);
    return { events: [...expired, ...result.events], error: result.error };
  } catch (error) {
    if (error instanceof DomainError) return { events: [], error };
    throw error;
  }
}

function checkTime(state: AccountState, command: C.LedgerCommand, ctx: DecideContext): void {
  const at = Date.parse(command.at);
  if (Number.isNaN(at)) throw validationError('at', 'must be an ISO-8601 instant');
  if (at > ctx.now + MAX_CLOCK_SKEW_MS) {
    throw validationError('at', `must not be more than 5 minutes in the future (now is ${new Date(ctx.now).toISOString()})`);
  }
  if (command.type !== 'OpenAccount' && !state.opened) {
    throw new DomainError('NOT_FOUND', `account '${command.accountId}' does not exist`, [{ path: 'accountId', message: 'unknown account' }]);
  }
  if (at < state.lastAt) {
    throw new DomainError(
      'OUT_OF_ORDER',
      `at ${command.at} is earlier than the latest event of this account (${new Date(state.lastAt).toISOString()}); business time never goes backwards`,
      [{ path: 'at', message: 'earlier than the latest event' }],
    );
  }
}

function expireLapsedSessions(state: AccountState, at: number, leaseMs: number, occurredAt: string): LedgerEvent[] {
  const events: LedgerEvent[] = [];
  for (const [sessionId, s] of state.sessions) {
    if (isLeaseLive(s.lastSeen, at, leaseMs)) continue;
    events.push(
      event('SessionExpired', { sessionId, product: s.product, endedAt: new Date(leaseLapsesAt(s.lastSeen, leaseMs)).toISOString() }, occurredAt),
    );
  }
  return events;
}

/** The rules of SPEC §3, one function per command in decisions/<area>.ts. They throw DomainError to reject. */
function apply(account: AccountAtCommand, c: C.LedgerCommand): Decision {
  switch (c.type) {
    case 'OpenAccount':
      return openAccount(account, c);
    case 'ChangeAccountTimezone':
      return changeTimezone(account, c);
    case 'CreateOrganization':
      return createOrganization(account, c);
    case 'RegisterUser':
      return registerUser(account, c);
    case 'MoveUser':
      return moveUser(account, c);
    case 'CreateProject':
      return createProject(account, c);
    case 'AddUserToProject':
      return addUserToProject(account, c);
    case 'PurchaseLicenses':
      return purchase(account, c);
    case 'AmendPurchase':
      return amendPurchase(account, c);
    case 'DedicateLicenses':
      return dedicate(account, c);
    case 'AssignSeat':
      return assignSeat(account, c);
    case 'UnassignSeat':
      return unassignSeat(account, c);
    case 'RecordLogin':
      return recordLogin(account, c);
    case 'RecordActivity':
      return recordActivity(account, c);
    case 'StartSession':
      return startSession(account, c);
    case 'HeartbeatSession':
      return heartbeat(account, c);
    case 'EndSession':
      return endSession(account, c);
    case 'ExpireSessions':
      return ok();
    case 'GenerateOfflineLicense':
      return generateOfflineLicense(account, c);
    case 'RevokeOfflineLicense':
      return revokeOfflineLicense(account, c);
    case 'RegisterMachine':
      return registerMachine(account, c);
    case 'DeactivateMachine':
      return deactivateMachine(account, c);
    case 'ActivateApplication':
      return activateApplication(account, c);
    case 'ReleaseApplication':
      return releaseApplication(account, c);
    case 'CreateAlertRule':
      return createAlertRule(account, c);
    case 'RemoveAlertRule':
      return removeAlertRule(account, c);
    case 'RegisterWebhook':
      return registerWebhook(account, c);
    case 'RemoveWebhook':
      return removeWebhook(account, c);
    default: {
      const unknown: never = c;
      throw validationError('type', `unknown command type '${(unknown as { type: string }).type}'`);
    }
  }
}
