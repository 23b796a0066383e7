import { bump, type SimPools } from './account-pools.js';
import type { CommandBuffer } from './command-buffer.js';
import { FIRST_NAMES, LAST_NAMES, machineOf, type AccountDirectory, type Profile } from './directory.js';
import type { ResolvedHistoryOptions } from './history-options.js';
import type { Random } from './random.js';
import { ACCOUNT, DAY_MS, HOUR_MS, SEAT_PRODUCTS } from './sim-constants.js';

/** What the administration of a simulated account knows about it. */
export interface SimAccount {
  readonly index: number;
  readonly accountId: string;
  readonly timezone: string;
  readonly startMs: number;
  readonly endMs: number;
  readonly onboardingDays: number;
  readonly kreQuantity: number;
  readonly tcQuantity: number;
  readonly options: ResolvedHistoryOptions;
}

/**
 * The admin commands of a simulated account: set-up, onboarding, and each day's seat churn, offline
 * licenses, machines, moves, applications, and the one-off amendment and dedication change.
 */
export class Administration {
  readonly #activeApplications: string[] = [];
  #applicationCounter = 0;
  #offlineCounter = 0;

  constructor(
    private readonly rng: Random,
    private readonly account: SimAccount,
    private readonly directory: AccountDirectory,
    private readonly pools: SimPools,
    private readonly buffer: CommandBuffer,
  ) {}

  /** The account, its organizations and projects, purchases and first dedications (day 0). */
  setUpAccount(): void {
    this.buffer.admin('OpenAccount', { name: `Account ${String(this.account.index + 1).padStart(3, '0')} Inc.`, timezone: this.account.timezone });
    for (const org of this.directory.orgs) {
      this.buffer.admin('CreateOrganization', {
        orgId: org.id,
        name: org.name,
        parentOrgId: org.parent < 0 ? null : this.directory.orgs[org.parent].id,
      });
    }
    for (const project of this.directory.projects) {
      this.buffer.admin('CreateProject', {
        projectId: project.id,
        name: `${this.directory.orgs[project.org].name} project ${project.id}`,
        orgId: this.directory.orgs[project.org].id,
      });
    }
    const u = this.directory.users.length;
    const startsAt = new Date(this.account.startMs - 30 * DAY_MS).toISOString();
    const expiresAt = new Date(this.account.endMs + 365 * DAY_MS).toISOString();
    const quantities: [string, number, number | null][] = [
      ['KSE', Math.max(5, Math.round(0.6 * u)), null],
      ['TESTOPS', Math.max(3, Math.round(0.3 * u)), null],
      ['KAM', Math.max(2, Math.round(0.03 * u)), null],
      ['KRE', this.account.kreQuantity, Math.max(10, 2 * u)],
      ['TC_DESKTOP', this.account.tcQuantity, null],
      ['TC_MOBILE_NATIVE', Math.max(1, Math.round(this.account.tcQuantity / 2)), null],
      ['TRUETEST', 5, null],
    ];
    for (const [product, quantity, machineQuota] of quantities) {
      const purchaseId = `p-${product}-1`;
      this.pools.purchaseIds.set(product, purchaseId);
      this.pools.purchased.set(product, quantity);
      this.buffer.admin('PurchaseLicenses', {
        purchaseId,
        product,
        quantity,
        startsAt,
        expiresAt,
        ...(machineQuota === null ? {} : { machineQuota }),
      });
    }
    // KSE: two top-level orgs, and a child of the first nested under it; KRE: one top-level org.
    const subtreeUsers = (org: number) => this.directory.users.filter((x) => this.directory.orgs[x.org].path.includes(org)).length;
    const [t0, t1, t2] = this.directory.orgs.filter((o) => o.depth === 1).map((o) => o.path[0]);
    const c00 = this.directory.orgs.findIndex((o) => o.parent === t0);
    const kse = this.pools.purchased.get('KSE')!;
    const dedicate = (product: string, org: number, quantity: number) => {
      if (quantity < 1) return;
      this.pools.dedications.get(product)!.set(org, quantity);
      this.pools.poolCache.delete(product);
      this.buffer.admin('DedicateLicenses', { product, orgId: this.directory.orgs[org].id, quantity });
    };
    const kseT0 = Math.min(Math.floor(kse * 0.45), Math.round(0.6 * subtreeUsers(t0)));
    const kseT1 = Math.min(Math.floor(kse * 0.3), Math.round(0.6 * subtreeUsers(t1)));
    dedicate('KSE', t0, kseT0);
    dedicate('KSE', c00, Math.min(kseT0 - 1, Math.round(0.6 * subtreeUsers(c00))));
    dedicate('KSE', t1, kseT1);
    const runnersIn = (org: number) =>
      this.directory.users.filter((x) => x.profile === 'runner' && this.directory.orgs[x.org].path.includes(org)).length;
    const runners = this.directory.users.filter((x) => x.profile === 'runner').length;
    if (this.account.kreQuantity >= 3 && runners > 0) {
      dedicate('KRE', t2, Math.min(this.account.kreQuantity - 1, Math.max(1, Math.round((this.account.kreQuantity * runnersIn(t2)) / runners))));
    }
  }

  /** Users registered on `day` of the onboarding period, their projects, machines and first seats. */
  onboard(day: number, now: number): void {
    const from = Math.floor((this.directory.users.length * day) / this.account.onboardingDays);
    const to = Math.floor((this.directory.users.length * (day + 1)) / this.account.onboardingDays);
    for (let i = from; i < to; i++) {
      const user = this.directory.users[i];
      const first = FIRST_NAMES[i % FIRST_NAMES.length];
      const last = LAST_NAMES[Math.floor(i / FIRST_NAMES.length) % LAST_NAMES.length];
      this.buffer.admin('RegisterUser', {
        userId: user.id,
        email: `${first.toLowerCase()}.${user.id}@${this.account.accountId}.example.com`,
        fullName: `${first} ${last}`,
        orgId: this.directory.orgs[user.org].id,
      });
      const top = this.directory.orgs[user.org].path.at(-1)!;
      const projects = this.directory.projects.filter((p) => p.org === top);
      if (projects.length > 0 && this.rng.chance(0.5)) {
        const first = this.rng.int(projects.length);
        this.buffer.admin('AddUserToProject', { projectId: projects[first].id, userId: user.id });
        if (projects.length > 1 && this.rng.chance(0.5)) {
          this.buffer.admin('AddUserToProject', { projectId: projects[(first + 1) % projects.length].id, userId: user.id });
        }
      }
      if (user.profile === 'runner') {
        this.buffer.admin('RegisterMachine', { product: 'KRE', machineId: machineOf(user), userId: user.id });
        this.pools.registeredMachines.get('KRE')!.add(machineOf(user));
      }
      if (user.profile === 'tester') this.#tryAssign('KSE', i, 0.85, now);
      if (user.profile === 'manager' || (user.profile === 'tester' && this.rng.chance(0.3))) this.#tryAssign('TESTOPS', i, 0.85, now);
      if (user.profile === 'manager') this.#tryAssign('KAM', i, 0.85, now);
    }
    this.directory.registered = to;
  }

  /** Seat churn, offline licenses, machines, applications, moves, and the one-off amendment and dedication. */
  dailyAdministration(day: number, midnight: number): void {
    const now = midnight + 6 * HOUR_MS;
    const scale = this.directory.registered / 500;
    if (this.directory.registered === 0) return;
    for (const product of ['KSE', 'TESTOPS'] as const) {
      const pairs = this.rng.poisson(product === 'KSE' ? 0.4 + scale : 0.2 + scale / 2);
      for (let k = 0; k < pairs; k++) {
        const holder = this.pools.seatHolders.get(product)!.pick(this.rng);
        if (holder !== undefined) this.#unassign(product, holder);
        for (let tries = 0; tries < 10; tries++) {
          const candidate = this.rng.int(this.directory.registered);
          const profile = this.directory.users[candidate].profile;
          if ((product === 'KSE' ? profile === 'tester' : profile !== 'runner') && this.#tryAssign(product, candidate, 1, now)) break;
        }
      }
    }
    // An admin now and then assigns a seat the user already has.
    if (this.rng.chance(0.05)) {
      const holder = this.pools.seatHolders.get('KSE')!.pick(this.rng);
      if (holder !== undefined) this.buffer.admin('AssignSeat', { product: 'KSE', userId: this.directory.users[holder].id }, 'ALREADY_ASSIGNED');
    }
    for (let k = this.rng.poisson(0.1 + scale / 4); k > 0; k--) this.#generateOffline('KSE', 'tester', now);
    // KRE offline licenses hold session units for weeks: few, relative to the KRE purchase.
    for (let k = this.rng.poisson(0.01 + this.account.kreQuantity / 400); k > 0; k--) this.#generateOffline('KRE', 'runner', now);
    for (let k = this.rng.poisson(0.05 + scale / 20); k > 0; k--) this.#deactivateMachine();
    for (let k = this.rng.poisson(0.05 + scale / 10); k > 0; k--) this.#moveUser(now);
    this.#applications();
    if (day === Math.floor(this.account.options.days / 2)) {
      const quantity = Math.ceil(this.pools.purchased.get('KSE')! * 1.1);
      this.pools.purchased.set('KSE', quantity);
      this.pools.poolCache.delete('KSE');
      this.buffer.admin('AmendPurchase', { purchaseId: this.pools.purchaseIds.get('KSE')!, quantity });
    }
    if (day === Math.floor(this.account.options.days / 3)) {
      const t1 = this.directory.orgs.filter((o) => o.depth === 1)[1].path[0];
      const current = this.pools.dedications.get('KSE')!.get(t1);
      if (current !== undefined && this.pools.free('KSE', ACCOUNT, now) >= 2) {
        this.pools.dedications.get('KSE')!.set(t1, current + 2);
        this.pools.poolCache.delete('KSE');
        this.buffer.admin('DedicateLicenses', { product: 'KSE', orgId: this.directory.orgs[t1].id, quantity: current + 2 });
      }
    }
  }

  #tryAssign(product: string, user: number, fill: number, at: number): boolean {
    const holders = this.pools.seatHolders.get(product)!;
    if (holders.has(user)) return false;
    const source = this.pools.sourceOf(product, user);
    const pool = this.pools.poolsOf(product).get(source) ?? 0;
    if (this.pools.free(product, source, at) < 1 || this.pools.used(product, source, at) + 1 > pool * fill) return false;
    holders.add(user);
    bump(this.pools.seatsBySource.get(product)!, source, 1);
    this.buffer.admin('AssignSeat', { product, userId: this.directory.users[user].id });
    return true;
  }

  #unassign(product: string, user: number): void {
    this.pools.seatHolders.get(product)!.delete(user);
    bump(this.pools.seatsBySource.get(product)!, this.pools.sourceOf(product, user), -1);
    this.buffer.admin('UnassignSeat', { product, userId: this.directory.users[user].id });
  }

  #generateOffline(product: 'KSE' | 'KRE', profile: Profile, now: number): void {
    for (let tries = 0; tries < 5; tries++) {
      const user = this.rng.int(this.directory.registered);
      if (this.directory.users[user].profile !== profile) continue;
      const source = this.pools.sourceOf(product, user);
      if (this.pools.free(product, source, now) < 1) return;
      if (product === 'KRE' && this.pools.free(product, source, now) < 2) return;
      const machineId = `off-${this.directory.users[user].id}-${++this.#offlineCounter}`;
      const expiresAt = now + this.rng.between(7, 30) * DAY_MS;
      this.pools.offline.get(product)!.push({ user, machineId, expiresAt });
      this.pools.registeredMachines.get(product)!.add(machineId);
      this.buffer.admin('GenerateOfflineLicense', {
        product,
        userId: this.directory.users[user].id,
        machineId,
        expiresAt: new Date(expiresAt).toISOString(),
      });
      return;
    }
  }

  #deactivateMachine(): void {
    for (let tries = 0; tries < 5; tries++) {
      const user = this.directory.users[this.rng.int(this.directory.registered)];
      if (user.profile !== 'runner') continue;
      const machines = this.pools.registeredMachines.get('KRE')!;
      if (!machines.has(machineOf(user))) return;
      machines.delete(machineOf(user));
      this.buffer.admin('DeactivateMachine', { product: 'KRE', machineId: machineOf(user), userId: user.id });
      return;
    }
  }

  /** Moves a user who holds no license unit (so no unit changes source). */
  #moveUser(now: number): void {
    for (let tries = 0; tries < 5; tries++) {
      const user = this.rng.int(this.directory.registered);
      if (SEAT_PRODUCTS.some((p) => this.pools.seatHolders.get(p)!.has(user))) continue;
      if ([...this.pools.offline.values()].some((list) => list.some((l) => l.user === user && l.expiresAt > now))) continue;
      const to = this.rng.int(this.directory.orgs.length);
      if (to === this.directory.users[user].org) continue;
      this.directory.users[user].org = to;
      this.buffer.admin('MoveUser', { userId: this.directory.users[user].id, orgId: this.directory.orgs[to].id });
      return;
    }
  }

  #applications(): void {
    const quantity = this.pools.purchased.get('TRUETEST')!;
    if (this.#activeApplications.length > 0 && this.rng.chance(0.3)) {
      const [released] = this.#activeApplications.splice(this.rng.int(this.#activeApplications.length), 1);
      this.buffer.admin('ReleaseApplication', { applicationId: released });
    }
    for (let k = this.rng.poisson(0.4); k > 0; k--) {
      const applicationId = `app-${++this.#applicationCounter}`;
      if (this.#activeApplications.length < quantity) {
        this.#activeApplications.push(applicationId);
        this.buffer.admin('ActivateApplication', { applicationId });
      } else if (this.rng.chance(0.2)) {
        this.buffer.admin('ActivateApplication', { applicationId }, 'CONCURRENCY_LIMIT_REACHED');
      }
    }
  }
}
