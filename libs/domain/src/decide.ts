import { IANAZone } from 'luxon';
import { normaliseAlertRule, requireAlertScope, requireWebhookUrl } from './alerts/alert-rules.js';
import type * as C from './commands.js';
import { DomainError, QUOTA_EXCEEDED_MESSAGE, validationError } from './errors.js';
import { ACCOUNT_SCOPE, event, type LedgerEvent, type Scope } from './events.js';
import { activePurchases, isSessionOpenAt, licenseSourceOfUser, machineQuota, poolFigures, purchasedQuantity, sourceOfOrg } from './pools.js';
import { leaseLapsesAt, isLeaseLive } from './rules/lease.js';
import { canDrawFrom, scopesPushedNegative } from './rules/pool-math.js';
import { latestExpiryOf, machinesWithinQuota } from './rules/purchases.js';
import { APPLICATION_SOURCE, isSeatProduct, offlineLicenseHoldsUnit, sessionDrawsUnit } from './rules/units.js';
import { modelOf, OFFLINE_PRODUCTS, type Product } from './products.js';
import { productView, type AccountState, type Purchase } from './state.js';

/** What the decider needs besides state and command: the wall clock and the session lease. */
export interface DecideContext {
  /** Wall-clock now (ms since epoch), injected. */
  readonly now: number;
  readonly leaseMs: number;
}

/**
 * The outcome of one command. Accepted: `events`, no `error`. Rejected: `error`, and `events`
 * is empty except for a start denied for capacity, which records SessionDenied /
 * ApplicationDenied (demand beyond capacity stays visible) and still fails.
 */
export interface Decision {
  readonly events: LedgerEvent[];
  readonly error?: DomainError;
}

/** Commands may not be dated more than this far after the wall clock. */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;

export function decide(state: AccountState, command: C.LedgerCommand, ctx: DecideContext): Decision {
  try {
    checkTime(state, command, ctx);
    const at = Date.parse(command.at);
    // Sessions whose lease lapsed are recorded as expired before anything else is decided.
    const expired = expireLapsedSessions(state, at, ctx.leaseMs, command.at);
    const rule = new Rules(state, command.at, at, ctx.leaseMs);
    const result = rule.apply(command);
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
  for (const sessionId of state.openSessions) {
    const s = state.sessions.get(sessionId)!;
    if (isLeaseLive(s.lastSeen, at, leaseMs)) continue;
    events.push(
      event('SessionExpired', { sessionId, product: s.product, endedAt: new Date(leaseLapsesAt(s.lastSeen, leaseMs)).toISOString() }, occurredAt),
    );
  }
  return events;
}

type Result = Decision;
const ok = (...events: LedgerEvent[]): Result => ({ events });

/** The rules of SPEC §3, one method per command. Throws DomainError to reject. */
class Rules {
  constructor(
    private readonly state: AccountState,
    private readonly atIso: string,
    private readonly at: number,
    private readonly leaseMs: number,
  ) {}

  apply(c: C.LedgerCommand): Result {
    switch (c.type) {
      case 'OpenAccount':
        return this.openAccount(c);
      case 'ChangeAccountTimezone':
        return this.changeTimezone(c);
      case 'CreateOrganization':
        return this.createOrganization(c);
      case 'RegisterUser':
        return this.registerUser(c);
      case 'MoveUser':
        return this.moveUser(c);
      case 'CreateProject':
        return this.createProject(c);
      case 'AddUserToProject':
        return this.addUserToProject(c);
      case 'PurchaseLicenses':
        return this.purchase(c);
      case 'AmendPurchase':
        return this.amendPurchase(c);
      case 'DedicateLicenses':
        return this.dedicate(c);
      case 'AssignSeat':
        return this.assignSeat(c);
      case 'UnassignSeat':
        return this.unassignSeat(c);
      case 'RecordLogin':
        return this.recordLogin(c);
      case 'RecordActivity':
        return this.recordActivity(c);
      case 'StartSession':
        return this.startSession(c);
      case 'HeartbeatSession':
        return this.heartbeat(c);
      case 'EndSession':
        return this.endSession(c);
      case 'ExpireSessions':
        return ok();
      case 'GenerateOfflineLicense':
        return this.generateOfflineLicense(c);
      case 'RevokeOfflineLicense':
        return this.revokeOfflineLicense(c);
      case 'RegisterMachine':
        return this.registerMachine(c);
      case 'DeactivateMachine':
        return this.deactivateMachine(c);
      case 'ActivateApplication':
        return this.activateApplication(c);
      case 'ReleaseApplication':
        return this.releaseApplication(c);
      case 'CreateAlertRule':
        return this.createAlertRule(c);
      case 'RemoveAlertRule':
        return this.removeAlertRule(c);
      case 'RegisterWebhook':
        return this.registerWebhook(c);
      case 'RemoveWebhook':
        return this.removeWebhook(c);
      default: {
        const unknown: never = c;
        throw validationError('type', `unknown command type '${(unknown as { type: string }).type}'`);
      }
    }
  }

  // ── Account and directory ────────────────────────────────────────────────

  private openAccount(c: C.OpenAccount): Result {
    if (this.state.opened)
      throw new DomainError('ALREADY_EXISTS', `account '${c.accountId}' already exists`, [{ path: 'accountId', message: 'already exists' }]);
    requireZone(c.timezone);
    return ok(event('AccountOpened', { accountId: c.accountId, name: c.name, timezone: c.timezone }, this.atIso));
  }

  private changeTimezone(c: C.ChangeAccountTimezone): Result {
    requireZone(c.timezone);
    return ok(event('AccountTimezoneChanged', { timezone: c.timezone, previousTimezone: this.state.timezone }, this.atIso));
  }

  private createOrganization(c: C.CreateOrganization): Result {
    if (this.state.orgs.has(c.orgId)) throw exists('orgId', `organization '${c.orgId}'`);
    const parentOrgId = c.parentOrgId ?? null;
    if (parentOrgId !== null) this.requireOrg(parentOrgId, 'parentOrgId');
    return ok(event('OrganizationCreated', { orgId: c.orgId, name: c.name, parentOrgId }, this.atIso));
  }

  private registerUser(c: C.RegisterUser): Result {
    if (this.state.users.has(c.userId)) throw exists('userId', `user '${c.userId}'`);
    if (this.state.emails.has(c.email.toLowerCase())) throw exists('email', `a user with email '${c.email}'`);
    this.requireOrg(c.orgId, 'orgId');
    return ok(event('UserRegistered', { userId: c.userId, email: c.email, fullName: c.fullName, orgId: c.orgId }, this.atIso));
  }

  private moveUser(c: C.MoveUser): Result {
    const user = this.requireUser(c.userId);
    this.requireOrg(c.orgId, 'orgId');
    if (user.orgId === c.orgId) throw validationError('orgId', `user '${c.userId}' is already in organization '${c.orgId}'`);
    for (const [product, ps] of this.state.products) {
      if (!this.holdsUnits(product, c.userId)) continue;
      const from = sourceOfOrg(this.state, ps.dedications, user.orgId);
      const to = sourceOfOrg(this.state, ps.dedications, c.orgId);
      if (from !== to) {
        throw new DomainError(
          'UNITS_HELD',
          `user '${c.userId}' holds ${product} licenses drawn from ${scopeName(from)}; moving to '${c.orgId}' would draw them from ${scopeName(to)}. Release them first`,
          [{ path: 'orgId', message: 'would change the license source of units the user holds' }],
        );
      }
    }
    return ok(event('UserMoved', { userId: c.userId, fromOrgId: user.orgId, orgId: c.orgId }, this.atIso));
  }

  private createProject(c: C.CreateProject): Result {
    if (this.state.projects.has(c.projectId)) throw exists('projectId', `project '${c.projectId}'`);
    this.requireOrg(c.orgId, 'orgId');
    return ok(event('ProjectCreated', { projectId: c.projectId, name: c.name, orgId: c.orgId }, this.atIso));
  }

  private addUserToProject(c: C.AddUserToProject): Result {
    const project = this.state.projects.get(c.projectId);
    if (!project) throw notFound('projectId', `project '${c.projectId}'`);
    this.requireUser(c.userId);
    if (project.members.has(c.userId)) throw exists('userId', `user '${c.userId}' in project '${c.projectId}'`);
    return ok(event('UserAddedToProject', { projectId: c.projectId, userId: c.userId }, this.atIso));
  }

  // ── Purchases and dedications ────────────────────────────────────────────

  private purchase(c: C.PurchaseLicenses): Result {
    if (this.state.purchases.has(c.purchaseId)) throw exists('purchaseId', `purchase '${c.purchaseId}'`);
    if (Date.parse(c.expiresAt) <= Date.parse(c.startsAt)) throw validationError('expiresAt', 'must be after startsAt');
    return ok(
      event(
        'LicensesPurchased',
        {
          purchaseId: c.purchaseId,
          product: c.product,
          quantity: c.quantity,
          startsAt: c.startsAt,
          expiresAt: c.expiresAt,
          machineQuota: c.machineQuota ?? null,
        },
        this.atIso,
      ),
    );
  }

  private amendPurchase(c: C.AmendPurchase): Result {
    const current = this.state.purchases.get(c.purchaseId);
    if (!current) throw notFound('purchaseId', `purchase '${c.purchaseId}'`);
    if (c.quantity === undefined && c.expiresAt === undefined && c.machineQuota === undefined) {
      throw validationError('quantity', 'an amendment changes at least one of quantity, expiresAt, machineQuota');
    }
    const amended: Purchase = {
      ...current,
      quantity: c.quantity ?? current.quantity,
      expiresAt: c.expiresAt !== undefined ? Date.parse(c.expiresAt) : current.expiresAt,
      machineQuota: c.machineQuota !== undefined ? c.machineQuota : current.machineQuota,
    };
    if (amended.expiresAt <= amended.startsAt) throw validationError('expiresAt', 'must be after the purchase startsAt');
    const purchases = [...this.state.purchases.values()].map((p) => (p.purchaseId === c.purchaseId ? amended : p));
    const before = poolFigures(this.state, current.product, this.at, this.leaseMs);
    const after = poolFigures(this.state, current.product, this.at, this.leaseMs, {
      purchased: purchasedQuantity(this.state, current.product, this.at, purchases),
    });
    const pushed = scopesPushedNegative(before, after);
    if (pushed.length > 0) {
      throw new DomainError(
        'QUOTA_BELOW_USAGE',
        `the amendment would leave ${pushed.map(scopeName).join(', ')} with fewer ${current.product} licenses than in use`,
        [{ path: 'quantity', message: 'below what is dedicated or in use' }],
      );
    }
    const quota = machineQuota(this.state, current.product, this.at, purchases);
    const machines = productView(this.state, current.product).machines.size;
    if (!machinesWithinQuota(machines, quota) && c.machineQuota !== undefined) {
      throw new DomainError('QUOTA_BELOW_USAGE', `machineQuota would allow ${quota} machines but ${machines} are registered for ${current.product}`, [
        { path: 'machineQuota', message: 'below the registered machines' },
      ]);
    }
    return ok(
      event(
        'PurchaseAmended',
        {
          purchaseId: c.purchaseId,
          product: current.product,
          quantity: amended.quantity,
          expiresAt: new Date(amended.expiresAt).toISOString(),
          machineQuota: amended.machineQuota,
        },
        this.atIso,
      ),
    );
  }

  private dedicate(c: C.DedicateLicenses): Result {
    this.requireOrg(c.orgId, 'orgId');
    const ps = productView(this.state, c.product);
    const previousQuantity = ps.dedications.get(c.orgId) ?? 0;
    const before = poolFigures(this.state, c.product, this.at, this.leaseMs);
    const after = poolFigures(this.state, c.product, this.at, this.leaseMs, { dedications: new Map([[c.orgId, c.quantity]]) });
    const pushed = scopesPushedNegative(before, after);
    if (pushed.includes(c.orgId)) {
      const f = after.get(c.orgId)!;
      throw new DomainError(
        'DEDICATION_BELOW_USAGE',
        `cannot dedicate ${c.quantity} ${c.product} licenses to '${c.orgId}': its subtree uses ${f.used} and dedicates ${f.dedicated - f.pool} further down`,
        [{ path: 'quantity', message: `must be at least ${f.dedicated - f.available}` }],
      );
    }
    if (pushed.length > 0) {
      throw new DomainError('LICENSE_QUOTA_EXCEEDED', QUOTA_EXCEEDED_MESSAGE, [
        { path: 'quantity', message: `${pushed.map(scopeName).join(', ')} cannot cover this dedication` },
      ]);
    }
    return ok(event('LicensesDedicated', { product: c.product, orgId: c.orgId, quantity: c.quantity, previousQuantity }, this.atIso));
  }

  // ── Seats, logins, activity ──────────────────────────────────────────────

  private assignSeat(c: C.AssignSeat): Result {
    requireModel(c.product, 'seat');
    this.requireUser(c.userId);
    if (productView(this.state, c.product).seats.has(c.userId)) {
      throw new DomainError('ALREADY_ASSIGNED', `user '${c.userId}' already has a ${c.product} seat`, [
        { path: 'userId', message: 'already assigned' },
      ]);
    }
    const source = this.drawUnit(c.product, c.userId);
    return ok(event('SeatAssigned', { product: c.product, userId: c.userId, licenseSource: source }, this.atIso));
  }

  private unassignSeat(c: C.UnassignSeat): Result {
    requireModel(c.product, 'seat');
    this.requireUser(c.userId);
    if (!productView(this.state, c.product).seats.has(c.userId)) throw notAssigned(c.product, c.userId);
    return ok(event('SeatUnassigned', { product: c.product, userId: c.userId }, this.atIso));
  }

  private recordLogin(c: C.RecordLogin): Result {
    this.requireUser(c.userId);
    const events: LedgerEvent[] = [event('UserLoggedIn', { product: c.product, userId: c.userId, machineId: c.machineId ?? null }, this.atIso)];
    const seat = productView(this.state, c.product).seats.get(c.userId);
    if (seat && !seat.activated) events.push(event('SeatActivated', { product: c.product, userId: c.userId }, this.atIso));
    return ok(...events);
  }

  private recordActivity(c: C.RecordActivity): Result {
    this.requireUser(c.userId);
    return ok(event('UserActivityRecorded', { product: c.product, userId: c.userId, action: c.action }, this.atIso));
  }

  // ── Sessions ─────────────────────────────────────────────────────────────

  private startSession(c: C.StartSession): Result {
    this.requireUser(c.userId);
    if (c.product === 'TRUETEST') throw validationError('product', 'TRUETEST is licensed per application: use ActivateApplication');
    if (this.state.sessions.has(c.sessionId)) throw exists('sessionId', `session '${c.sessionId}'`);
    const licenseType = c.licenseType ?? 'online';
    this.requireActivePurchase(c.product);
    const ps = productView(this.state, c.product);
    const source = licenseSourceOfUser(this.state, c.product, c.userId);
    if (licenseType === 'offline') {
      if (!this.offlineLicenseFor(c.product, c.userId, c.machineId)) {
        throw new DomainError('NOT_ASSIGNED', `user '${c.userId}' has no unexpired ${c.product} offline license on machine '${c.machineId}'`, [
          { path: 'licenseType', message: 'offline sessions need an offline license for this user and machine' },
        ]);
      }
    } else if (isSeatProduct(c.product) && !ps.seats.has(c.userId)) {
      throw notAssigned(c.product, c.userId);
    }
    const machineEvents = this.registerIfNew(c.product, c.machineId, c.userId);
    if (sessionDrawsUnit(c.product, licenseType) && !canDrawFrom(this.figures(c.product), source)) {
      return {
        events: [
          event(
            'SessionDenied',
            {
              product: c.product,
              sessionId: c.sessionId,
              userId: c.userId,
              machineId: c.machineId,
              reason: 'CONCURRENCY_LIMIT_REACHED',
              licenseSource: source,
            },
            this.atIso,
          ),
        ],
        error: capacityDenied(c.product, source),
      };
    }
    return ok(
      ...machineEvents,
      event(
        'SessionStarted',
        {
          product: c.product,
          sessionId: c.sessionId,
          userId: c.userId,
          machineId: c.machineId,
          licenseType,
          licenseSource: source,
        },
        this.atIso,
      ),
    );
  }

  private heartbeat(c: C.HeartbeatSession): Result {
    const session = this.requireOpenSession(c.sessionId);
    return ok(event('SessionHeartbeatRecorded', { sessionId: c.sessionId, product: session.product }, this.atIso));
  }

  private endSession(c: C.EndSession): Result {
    const session = this.requireOpenSession(c.sessionId);
    return ok(event('SessionEnded', { sessionId: c.sessionId, product: session.product, endedAt: this.atIso }, this.atIso));
  }

  // ── Offline licenses and machines ────────────────────────────────────────

  private generateOfflineLicense(c: C.GenerateOfflineLicense): Result {
    if (!OFFLINE_PRODUCTS.includes(c.product)) throw validationError('product', `offline licenses exist for ${OFFLINE_PRODUCTS.join(' and ')} only`);
    this.requireUser(c.userId);
    const active = this.requireActivePurchase(c.product);
    const latestEnd = latestExpiryOf(active)!;
    const expiresAt = c.expiresAt !== undefined ? Date.parse(c.expiresAt) : latestEnd;
    if (expiresAt > latestEnd) {
      throw validationError('expiresAt', `must not be after the subscription ends (${new Date(latestEnd).toISOString()})`);
    }
    if (expiresAt <= this.at) throw validationError('expiresAt', 'must be after the command time');
    if (
      productView(this.state, c.product).offlineLicenses.some((l) => l.machineId === c.machineId && offlineLicenseHoldsUnit(l.expiresAt, this.at))
    ) {
      throw exists('machineId', `an unexpired ${c.product} offline license on machine '${c.machineId}'`);
    }
    const machineEvents = this.registerIfNew(c.product, c.machineId, c.userId);
    const source = this.drawUnit(c.product, c.userId);
    return ok(
      ...machineEvents,
      event(
        'OfflineLicenseGenerated',
        {
          product: c.product,
          userId: c.userId,
          machineId: c.machineId,
          expiresAt: new Date(expiresAt).toISOString(),
          licenseSource: source,
        },
        this.atIso,
      ),
    );
  }

  private revokeOfflineLicense(c: C.RevokeOfflineLicense): Result {
    throw new DomainError(
      'OFFLINE_LICENSE_IRREVOCABLE',
      `offline licenses cannot be revoked or transferred; the ${c.product} license on machine '${c.machineId}' runs until it expires`,
    );
  }

  private registerMachine(c: C.RegisterMachine): Result {
    this.requireUser(c.userId);
    if (productView(this.state, c.product).machines.has(c.machineId)) throw exists('machineId', `${c.product} machine '${c.machineId}'`);
    return ok(...this.registerIfNew(c.product, c.machineId, c.userId));
  }

  private deactivateMachine(c: C.DeactivateMachine): Result {
    this.requireUser(c.userId);
    const ps = productView(this.state, c.product);
    if (!ps.machines.has(c.machineId)) throw notFound('machineId', `${c.product} machine '${c.machineId}'`);
    if (ps.offlineLicenses.some((l) => l.machineId === c.machineId && offlineLicenseHoldsUnit(l.expiresAt, this.at))) {
      throw new DomainError('MACHINE_BOUND_OFFLINE', `machine '${c.machineId}' is bound to an unexpired ${c.product} offline license`, [
        { path: 'machineId', message: 'bound to an offline license' },
      ]);
    }
    return ok(event('MachineDeactivated', { product: c.product, machineId: c.machineId, userId: c.userId }, this.atIso));
  }

  // ── TrueTest applications ────────────────────────────────────────────────

  private activateApplication(c: C.ActivateApplication): Result {
    const ps = productView(this.state, 'TRUETEST');
    if (ps.applications.has(c.applicationId)) throw exists('applicationId', `active application '${c.applicationId}'`);
    this.requireActivePurchase('TRUETEST');
    if (!canDrawFrom(this.figures('TRUETEST'), APPLICATION_SOURCE)) {
      return {
        events: [
          event('ApplicationDenied', { product: 'TRUETEST', applicationId: c.applicationId, reason: 'CONCURRENCY_LIMIT_REACHED' }, this.atIso),
        ],
        error: capacityDenied('TRUETEST', ACCOUNT_SCOPE),
      };
    }
    return ok(event('ApplicationActivated', { product: 'TRUETEST', applicationId: c.applicationId }, this.atIso));
  }

  private releaseApplication(c: C.ReleaseApplication): Result {
    if (!productView(this.state, 'TRUETEST').applications.has(c.applicationId)) {
      throw notFound('applicationId', `active application '${c.applicationId}'`);
    }
    return ok(event('ApplicationReleased', { product: 'TRUETEST', applicationId: c.applicationId }, this.atIso));
  }

  // ── Alert rules and webhooks (SPEC §9) ───────────────────────────────────

  private createAlertRule(c: C.CreateAlertRule): Result {
    if (this.state.alertRules.has(c.ruleId)) throw exists('ruleId', `alert rule '${c.ruleId}'`);
    const rule = normaliseAlertRule(c);
    requireAlertScope(rule.scope, (orgId) => this.state.orgs.has(orgId));
    return ok(event('AlertRuleCreated', { ...rule }, this.atIso));
  }

  private removeAlertRule(c: C.RemoveAlertRule): Result {
    if (!this.state.alertRules.has(c.ruleId)) throw notFound('ruleId', `alert rule '${c.ruleId}'`);
    return ok(event('AlertRuleRemoved', { ruleId: c.ruleId }, this.atIso));
  }

  private registerWebhook(c: C.RegisterWebhook): Result {
    if (this.state.webhooks.has(c.webhookId)) throw exists('webhookId', `webhook '${c.webhookId}'`);
    requireWebhookUrl(c.url);
    return ok(event('WebhookRegistered', { webhookId: c.webhookId, url: c.url, secretFingerprint: c.secretFingerprint }, this.atIso));
  }

  private removeWebhook(c: C.RemoveWebhook): Result {
    if (!this.state.webhooks.has(c.webhookId)) throw notFound('webhookId', `webhook '${c.webhookId}'`);
    return ok(event('WebhookRemoved', { webhookId: c.webhookId }, this.atIso));
  }

  // ── Shared checks ────────────────────────────────────────────────────────

  private figures(product: Product) {
    return poolFigures(this.state, product, this.at, this.leaseMs);
  }

  /** Checks a unit can be drawn for the user (subscription first, then quota) and returns its source. */
  private drawUnit(product: Product, userId: string): Scope {
    this.requireActivePurchase(product);
    const source = licenseSourceOfUser(this.state, product, userId);
    if (!canDrawFrom(this.figures(product), source)) {
      throw new DomainError('LICENSE_QUOTA_EXCEEDED', QUOTA_EXCEEDED_MESSAGE, [
        { path: 'userId', message: `no ${product} license available in ${scopeName(source)}` },
      ]);
    }
    return source;
  }

  private requireActivePurchase(product: Product): Purchase[] {
    const active = activePurchases(this.state, product, this.at);
    if (active.length === 0) {
      throw new DomainError('NO_ACTIVE_SUBSCRIPTION', `the account has no active ${product} purchase at ${this.atIso}`, [
        { path: 'product', message: 'no active subscription' },
      ]);
    }
    return active;
  }

  /** MachineRegistered for a machine not yet registered for the product, within the machine quota. */
  private registerIfNew(product: Product, machineId: string, userId: string): LedgerEvent[] {
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

  private offlineLicenseFor(product: Product, userId: string, machineId: string): boolean {
    return productView(this.state, product).offlineLicenses.some(
      (l) => l.userId === userId && l.machineId === machineId && offlineLicenseHoldsUnit(l.expiresAt, this.at),
    );
  }

  private holdsUnits(product: Product, userId: string): boolean {
    const ps = productView(this.state, product);
    if (ps.seats.has(userId)) return true;
    if (ps.offlineLicenses.some((l) => l.userId === userId && offlineLicenseHoldsUnit(l.expiresAt, this.at))) return true;
    for (const sessionId of ps.unitSessions) {
      if (this.state.sessions.get(sessionId)!.userId === userId && isSessionOpenAt(this.state, sessionId, this.at, this.leaseMs)) return true;
    }
    return false;
  }

  private requireOpenSession(sessionId: string) {
    const session = this.state.sessions.get(sessionId);
    if (!session) throw notFound('sessionId', `session '${sessionId}'`);
    if (!isSessionOpenAt(this.state, sessionId, this.at, this.leaseMs)) {
      const why = session.status === 'ended' ? 'has ended' : 'has expired (no heartbeat within the lease)';
      throw new DomainError('SESSION_NOT_OPEN', `session '${sessionId}' ${why}`, [{ path: 'sessionId', message: 'not open' }]);
    }
    return session;
  }

  private requireUser(userId: string) {
    const user = this.state.users.get(userId);
    if (!user) throw notFound('userId', `user '${userId}'`);
    return user;
  }

  private requireOrg(orgId: string, path: string) {
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

function requireZone(timezone: string): void {
  if (!IANAZone.isValidZone(timezone)) throw validationError('timezone', `'${timezone}' is not an IANA time zone (e.g. America/New_York)`);
}

function requireModel(product: Product, model: 'seat'): void {
  if (modelOf(product) !== model) throw validationError('product', `${product} is licensed per ${modelOf(product)}, not per seat`);
}

function scopeName(scope: Scope): string {
  return scope === ACCOUNT_SCOPE ? 'the account pool' : `organization '${scope}'`;
}

function exists(path: string, what: string): DomainError {
  return new DomainError('ALREADY_EXISTS', `${what} already exists`, [{ path, message: 'already exists' }]);
}

function notFound(path: string, what: string): DomainError {
  return new DomainError('NOT_FOUND', `${what} does not exist`, [{ path, message: 'not found' }]);
}

function notAssigned(product: Product, userId: string): DomainError {
  return new DomainError('NOT_ASSIGNED', `user '${userId}' has no ${product} seat`, [{ path: 'userId', message: 'not assigned' }]);
}
