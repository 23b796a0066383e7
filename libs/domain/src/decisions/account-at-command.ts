import { DomainError, QUOTA_EXCEEDED_MESSAGE } from '../errors.js';
import { ACCOUNT_SCOPE, event, type LedgerEvent, type Scope } from '../events.js';
import { activePurchases, isSessionOpenAt, licenseSourceOfUser, machineQuota, poolFigures } from '../pools.js';
import { canDrawFrom } from '../rules/pool-math.js';
import { machinesWithinQuota } from '../rules/purchases.js';
import { offlineLicenseHoldsUnit } from '../rules/units.js';
import type { Product } from '../products.js';
import { productView, sessionIdTaken, type AccountState, type Purchase } from '../state.js';

/**
 * The outcome of one command. Accepted: `events`, no `error`. Rejected: `error`, and `events`
 * is empty except for a start denied for capacity, which records SessionDenied /
 * ApplicationDenied (demand beyond capacity stays visible) and still fails.
 */
export interface Decision {
  readonly events: LedgerEvent[];
  readonly error?: DomainError;
}

export const ok = (...events: LedgerEvent[]): Decision => ({ events });

/**
 * The account's state at the instant of the command being decided, and the checks the rules of
 * several areas share (decisions/*.ts). Its methods throw DomainError to reject.
 */
export class AccountAtCommand {
  constructor(
    readonly state: AccountState,
    readonly atIso: string,
    readonly at: number,
    readonly leaseMs: number,
  ) {}

  figures(product: Product) {
    return poolFigures(this.state, product, this.at, this.leaseMs);
  }

  /** Checks a unit can be drawn for the user (subscription first, then quota) and returns its source. */
  drawUnit(product: Product, userId: string): Scope {
    this.requireActivePurchase(product);
    const source = licenseSourceOfUser(this.state, product, userId);
    if (!canDrawFrom(this.figures(product), source)) {
      throw new DomainError('LICENSE_QUOTA_EXCEEDED', QUOTA_EXCEEDED_MESSAGE, [
        { path: 'userId', message: `no ${product} license available in ${scopeName(source)}` },
      ]);
    }
    return source;
  }

  requireActivePurchase(product: Product): Purchase[] {
    const active = activePurchases(this.state, product, this.at);
    if (active.length === 0) {
      throw new DomainError('NO_ACTIVE_SUBSCRIPTION', `the account has no active ${product} purchase at ${this.atIso}`, [
        { path: 'product', message: 'no active subscription' },
      ]);
    }
    return active;
  }

  /** MachineRegistered for a machine not yet registered for the product, within the machine quota. */
  registerIfNew(product: Product, machineId: string, userId: string): LedgerEvent[] {
    const ps = productView(this.state, product);
    if (ps.machines.has(machineId)) return [];
    const quota = machineQuota(this.state, product, this.at);
    if (!machinesWithinQuota(ps.machines.size + 1, quota)) {
      throw new DomainError('MACHINE_QUOTA_EXCEEDED', `${product} allows ${quota} registered machines and ${ps.machines.size} are registered`, [
        { path: 'machineId', message: 'machine quota reached' },
      ]);
    }
    return [event('MachineRegistered', { product, machineId, userId }, this.atIso)];
  }

  offlineLicenseFor(product: Product, userId: string, machineId: string): boolean {
    return productView(this.state, product).offlineLicenses.some(
      (l) => l.userId === userId && l.machineId === machineId && offlineLicenseHoldsUnit(l.expiresAt, this.at),
    );
  }

  holdsUnits(product: Product, userId: string): boolean {
    const ps = productView(this.state, product);
    if (ps.seats.has(userId)) return true;
    if (ps.offlineLicenses.some((l) => l.userId === userId && offlineLicenseHoldsUnit(l.expiresAt, this.at))) return true;
    for (const sessionId of ps.unitSessions) {
      if (this.state.sessions.get(sessionId)!.userId === userId && isSessionOpenAt(this.state, sessionId, this.at, this.leaseMs)) return true;
    }
    return false;
  }

  requireOpenSession(sessionId: string) {
    const session = this.state.sessions.get(sessionId);
    if (!session && !sessionIdTaken(this.state, sessionId)) throw notFound('sessionId', `session '${sessionId}'`);
    if (!session || !isSessionOpenAt(this.state, sessionId, this.at, this.leaseMs)) {
      const why = this.state.endedSessions.has(sessionId) ? 'has ended' : 'has expired (no heartbeat within the lease)';
      throw new DomainError('SESSION_NOT_OPEN', `session '${sessionId}' ${why}`, [{ path: 'sessionId', message: 'not open' }]);
    }
    return session;
  }

  requireUser(userId: string) {
    const user = this.state.users.get(userId);
    if (!user) throw notFound('userId', `user '${userId}'`);
    return user;
  }

  requireOrg(orgId: string, path: string) {
    const org = this.state.orgs.get(orgId);
    if (!org) throw notFound(path, `organization '${orgId}'`);
    return org;
  }
}

/** The error of a start denied for capacity; also rebuilt from a recorded SessionDenied / ApplicationDenied. */
export function capacityDenied(product: Product, source: Scope): DomainError {
  const [what, path] = product === 'TRUETEST' ? ['application licenses', 'applicationId'] : ['sessions', 'sessionId'];
  return new DomainError('CONCURRENCY_LIMIT_REACHED', `all ${product} ${what} available to ${scopeName(source)} are in use`, [
    { path, message: 'no free license' },
  ]);
}

export function scopeName(scope: Scope): string {
  return scope === ACCOUNT_SCOPE ? 'the account pool' : `organization '${scope}'`;
}

export function exists(path: string, what: string): DomainError {
  return new DomainError('ALREADY_EXISTS', `${what} already exists`, [{ path, message: 'already exists' }]);
}

export function notFound(path: string, what: string): DomainError {
  return new DomainError('NOT_FOUND', `${what} does not exist`, [{ path, message: 'not found' }]);
}

export function notAssigned(product: Product, userId: string): DomainError {
  return new DomainError('NOT_ASSIGNED', `user '${userId}' has no ${product} seat`, [{ path: 'userId', message: 'not assigned' }]);
}
