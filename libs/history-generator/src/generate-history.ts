import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { DateTime } from 'luxon';
import { deriveSeed, Random } from './random.js';

/**
 * A generator of realistic command histories for the benchmarks (`npm run bench`) and the demo data
 * set (`ledger demo`, see `demoHistoryOptions`): deterministic for a given set of options, streamed (one account-day in memory per
 * account at a time), every command in the NDJSON schema of SPEC §3.
 *
 * Each account has an organization tree of depth 3 (5 top-level orgs × 3 × 2 = 50 orgs), projects,
 * users onboarded over the first fifth of the history, purchases of seat products (KSE, TESTOPS,
 * KAM), session products (KRE, TC_DESKTOP, TC_MOBILE_NATIVE) and TRUETEST, dedications (nested
 * for KSE), initial seat assignments and daily churn, logins and activity, sessions with
 * heartbeats every ~10 minutes and ends (a few crash and lapse, a few are denied at capacity),
 * offline licenses, machines registered and deactivated, applications under test, one purchase
 * amendment and one dedication change. Commands of one account are in time order; accounts are
 * interleaved by time. Every `at` lies before `end` (default 2026-11-01T00:00:00Z).
 *
 * The generator mirrors the pool rules well enough that almost every command is accepted; the
 * rejections it produces on purpose (sessions denied at capacity, an admin assigning a seat twice,
 * a heartbeat after the lease lapsed) are counted in `stats.expectedRejections`.
 */

export interface HistoryOptions {
  /** Exactly this many commands are produced (the history stops there). */
  readonly commands: number;
  readonly seed?: number;
  /** Default: one per 20,000 commands. */
  readonly accounts?: number;
  /** Users over all accounts (split unevenly). Default: one per 25 commands. */
  readonly users?: number;
  /** Length of the history in days. Default 90. */
  readonly days?: number;
  /** ISO instant the history ends before; must not be in the future. Default 2026-11-01T00:00:00Z. */
  readonly end?: string;
  /** Give every command a `commandId` (as integrations do for idempotent retries). Default true. */
  readonly commandIds?: boolean;
  /** Account ids are `<prefix>-001`, `<prefix>-002`, … Default `acct`. */
  readonly accountPrefix?: string;
}

export interface ResolvedHistoryOptions {
  readonly commands: number;
  readonly seed: number;
  readonly accounts: number;
  readonly users: number;
  readonly days: number;
  readonly end: string;
  readonly commandIds: boolean;
  readonly accountPrefix: string;
}

export type HistoryCommand = { readonly type: string; readonly accountId: string; readonly at: string } & Record<string, unknown>;

export interface HistoryStats {
  commands: number;
  byType: Record<string, number>;
  /** Commands the generator knows will be rejected, by expected error code. */
  expectedRejections: Record<string, number>;
  firstAt: string | null;
  lastAt: string | null;
}

export interface History {
  readonly options: ResolvedHistoryOptions;
  readonly accounts: readonly { readonly accountId: string; readonly users: number; readonly timezone: string }[];
  /** Updated while `commands` is iterated. */
  readonly stats: HistoryStats;
  readonly commands: Generator<HistoryCommand>;
}

export const DEFAULT_END = '2026-11-01T00:00:00Z';

export function resolveHistoryOptions(options: HistoryOptions): ResolvedHistoryOptions {
  const commands = wholeNumber(options.commands, 'commands', 1);
  const accounts = wholeNumber(options.accounts ?? Math.max(1, Math.round(commands / 20_000)), 'accounts', 1);
  const users = wholeNumber(options.users ?? Math.max(accounts * 20, Math.round(commands / 25)), 'users', accounts);
  const days = wholeNumber(options.days ?? 90, 'days', 7);
  const endMs = Date.parse(options.end ?? DEFAULT_END);
  if (Number.isNaN(endMs)) throw new Error(`end must be an ISO instant, got "${options.end}"`);
  if (endMs > Date.now()) throw new Error(`end ${new Date(endMs).toISOString()} is in the future: every command must lie in the past`);
  return {
    commands,
    accounts,
    users,
    days,
    seed: wholeNumber(options.seed ?? 1, 'seed', 0),
    end: new Date(endMs).toISOString(),
    commandIds: options.commandIds ?? true,
    accountPrefix: accountPrefix(options.accountPrefix),
  };
}

function accountPrefix(prefix = 'acct'): string {
  if (!/^[a-z0-9][a-z0-9-]{0,60}$/.test(prefix)) throw new Error(`accountPrefix must be 1–61 lowercase letters, digits or '-', got "${prefix}"`);
  return prefix;
}

/** Commands per demo account by default: about 300 users over 90 days. */
export const DEMO_COMMANDS_PER_ACCOUNT = 20_000;

/**
 * A history to try the ledger on (`ledger demo`): `accounts` accounts (ids `demo-001`, …) over the
 * 90 days before `now`, one user per ~66 commands (300 for the default size).
 */
export function demoHistoryOptions(
  options: {
    readonly accounts?: number;
    readonly seed?: number;
    readonly now?: number;
    readonly commandsPerAccount?: number;
  } = {},
): HistoryOptions {
  const accounts = options.accounts ?? 1;
  const perAccount = options.commandsPerAccount ?? DEMO_COMMANDS_PER_ACCOUNT;
  return {
    commands: accounts * perAccount,
    users: accounts * Math.max(40, Math.round(perAccount / 66)),
    accounts,
    days: 90,
    seed: options.seed ?? 1,
    end: new Date(options.now ?? Date.now()).toISOString(),
    accountPrefix: 'demo',
  };
}

function wholeNumber(value: number, name: string, min: number): number {
  if (!Number.isSafeInteger(value) || value < min) throw new Error(`${name} must be a whole number ≥ ${min}, got ${value}`);
  return value;
}

/** The history as a stream of commands, in time order per account, stopping after `commands`. */
export function createHistory(options: HistoryOptions): History {
  const resolved = resolveHistoryOptions(options);
  const sims = planAccounts(resolved);
  const stats: HistoryStats = { commands: 0, byType: {}, expectedRejections: {}, firstAt: null, lastAt: null };
  return {
    options: resolved,
    accounts: sims.map((s) => ({ accountId: s.accountId, users: s.users.length, timezone: s.timezone })),
    stats,
    commands: mergeByTime(sims, resolved.commands, stats),
  };
}

function* mergeByTime(sims: readonly AccountSim[], limit: number, stats: HistoryStats): Generator<HistoryCommand> {
  const heap = new TimedHeap();
  const streams = sims.map((sim) => sim.run());
  streams.forEach((stream, index) => {
    const first = stream.next();
    if (!first.done) heap.push(first.value, index);
  });
  while (stats.commands < limit && heap.size > 0) {
    const { item, source } = heap.pop();
    stats.commands++;
    stats.byType[item.command.type] = (stats.byType[item.command.type] ?? 0) + 1;
    if (item.expect) stats.expectedRejections[item.expect] = (stats.expectedRejections[item.expect] ?? 0) + 1;
    stats.firstAt ??= item.command.at;
    stats.lastAt = item.command.at;
    yield item.command;
    const next = streams[source].next();
    if (!next.done) heap.push(next.value, source);
  }
}

// ── Writing NDJSON ─────────────────────────────────────────────────────────

export interface WrittenHistory {
  readonly file: string;
  readonly bytes: number;
  readonly seconds: number;
  readonly options: ResolvedHistoryOptions;
  readonly accounts: History['accounts'];
  readonly stats: HistoryStats;
}

/** Writes the history as NDJSON (one command per line), streaming; `onProgress` about once a second. */
export async function writeHistoryNdjson(
  options: HistoryOptions,
  file: string,
  onProgress?: (done: number, total: number, elapsedMs: number) => void,
): Promise<WrittenHistory> {
  const started = performance.now();
  const history = createHistory(options);
  const path = resolve(file);
  await mkdir(dirname(path), { recursive: true });
  const out = createWriteStream(path);
  const failed = once(out, 'error').then(([error]) => {
    throw error;
  });
  let bytes = 0;
  let batch: string[] = [];
  let lastReport = started;
  const flush = async (): Promise<void> => {
    const text = batch.join('');
    batch = [];
    bytes += Buffer.byteLength(text);
    if (!out.write(text)) await Promise.race([once(out, 'drain'), failed]);
  };
  for (const command of history.commands) {
    batch.push(`${JSON.stringify(command)}\n`);
    if (batch.length === 1_000) {
      await flush();
      const now = performance.now();
      if (onProgress && now - lastReport >= 1_000) {
        lastReport = now;
        onProgress(history.stats.commands, history.options.commands, now - started);
      }
    }
  }
  if (batch.length > 0) await flush();
  out.end();
  await Promise.race([once(out, 'finish'), failed]);
  return {
    file: path,
    bytes,
    seconds: (performance.now() - started) / 1000,
    options: history.options,
    accounts: history.accounts,
    stats: history.stats,
  };
}

// ── Accounts ───────────────────────────────────────────────────────────────

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;
/** SESSION_LEASE_SECONDS default: the generator assumes the server runs with it. */
const LEASE_MS = 900_000;
const HEARTBEAT_MS = 10 * MINUTE_MS;

const TIMEZONES = ['America/New_York', 'Europe/Berlin', 'UTC', 'Asia/Ho_Chi_Minh', 'America/Los_Angeles', 'Australia/Sydney', 'Asia/Tokyo'];
const TOP_ORG_NAMES = ['Quality', 'Mobile', 'Platform', 'Payments', 'Data'];
const CHILD_ORG_NAMES = ['Automation', 'Manual Testing', 'Performance'];
const LEAF_ORG_NAMES = ['Squad A', 'Squad B'];
const FIRST_NAMES = [
  'Ana',
  'Bao',
  'Chen',
  'Dmitri',
  'Elif',
  'Femi',
  'Grace',
  'Hiro',
  'Ines',
  'Jonas',
  'Kavya',
  'Liam',
  'Mai',
  'Nora',
  'Omar',
  'Priya',
  'Quentin',
  'Rosa',
  'Sven',
  'Thao',
  'Uma',
  'Viktor',
  'Wen',
  'Ximena',
  'Yusuf',
  'Zoe',
];
const LAST_NAMES = [
  'Nguyen',
  'Smith',
  'Garcia',
  'Müller',
  'Tanaka',
  'Okafor',
  'Rossi',
  'Kowalski',
  'Silva',
  'Johansson',
  'Patel',
  'Kim',
  'Dubois',
  'Haddad',
  'Novak',
  'Tran',
  'Lopez',
  'Andersen',
  'Ivanova',
  'Mensah',
];
const KSE_ACTIONS = ['open-project', 'record-test', 'run-test-case', 'run-test-suite', 'spy-object', 'edit-script'];
const TESTOPS_ACTIONS = ['view-report', 'plan-release', 'triage-failure', 'schedule-run'];

type Profile = 'tester' | 'runner' | 'manager' | 'cloud';
/** Share of users and relative activity of each profile. */
const PROFILES: readonly { profile: Profile; share: number; activity: number }[] = [
  { profile: 'tester', share: 0.55, activity: 1 },
  { profile: 'runner', share: 0.15, activity: 1.6 },
  { profile: 'manager', share: 0.2, activity: 0.6 },
  { profile: 'cloud', share: 0.1, activity: 1 },
];

interface SimOrg {
  readonly id: string;
  readonly name: string;
  readonly parent: number;
  readonly depth: number;
  /** Organization indexes from this one up to its top-level org. */
  readonly path: readonly number[];
}

interface SimUser {
  readonly idx: number;
  readonly id: string;
  org: number;
  readonly profile: Profile;
}

interface OfflineLicense {
  readonly user: number;
  readonly machineId: string;
  readonly expiresAt: number;
}

interface Timed {
  readonly t: number;
  readonly command: HistoryCommand;
  readonly expect?: string;
}

interface PlannedSession {
  readonly product: string;
  readonly sessionId: string;
  readonly user: number;
  readonly machineId: string;
  readonly licenseType: 'online' | 'offline';
  readonly start: number;
  readonly heartbeats: number[];
  /** EndSession time, or null when the client crashed (the lease lapses). */
  readonly end: number | null;
  readonly lateHeartbeat: number | null;
}

const SEAT_PRODUCTS = ['KSE', 'TESTOPS', 'KAM'] as const;
const SESSION_PRODUCTS = ['KRE', 'TC_DESKTOP', 'TC_MOBILE_NATIVE'] as const;
const ACCOUNT = 'account';

function planAccounts(options: ResolvedHistoryOptions): AccountSim[] {
  const weights = Array.from({ length: options.accounts }, (_, i) => 1 / (i + 1) ** 0.8);
  const total = weights.reduce((a, b) => a + b, 0);
  const users = weights.map((w) => Math.max(20, Math.floor((options.users * w) / total)));
  let excess = users.reduce((a, b) => a + b, 0) - options.users;
  for (let i = 0; excess > 0 && i < users.length; i++) {
    const take = Math.min(excess, users[i] - 20);
    users[i] -= take;
    excess -= take;
  }
  const allUsers = users.reduce((a, b) => a + b, 0);
  return users.map((n, i) => new AccountSim(i, n, (options.commands * n) / allUsers, options));
}

/** A list of user indexes with O(1) add, remove and random pick. */
class IndexedSet {
  private readonly items: number[] = [];
  private readonly positions = new Map<number, number>();

  get size(): number {
    return this.items.length;
  }

  has(item: number): boolean {
    return this.positions.has(item);
  }

  add(item: number): void {
    if (this.positions.has(item)) return;
    this.positions.set(item, this.items.length);
    this.items.push(item);
  }

  delete(item: number): void {
    const position = this.positions.get(item);
    if (position === undefined) return;
    const last = this.items.pop()!;
    this.positions.delete(item);
    if (last !== item) {
      this.items[position] = last;
      this.positions.set(last, position);
    }
  }

  pick(random: Random): number | undefined {
    return this.items.length === 0 ? undefined : this.items[random.int(this.items.length)];
  }
}

class AccountSim {
  readonly accountId: string;
  readonly timezone: string;
  readonly users: SimUser[] = [];
  private readonly rng: Random;
  private readonly orgs: SimOrg[] = [];
  private readonly projects: { id: string; org: number }[] = [];
  /** Cumulative activity weights of users in registration order, to pick active users. */
  private readonly cumulativeWeight: Float64Array;
  private registered = 0;

  private readonly startMs: number;
  private readonly endMs: number;
  private readonly purchased = new Map<string, number>();
  private readonly purchaseIds = new Map<string, string>();
  private readonly dedications = new Map<string, Map<number, number>>();
  private readonly poolCache = new Map<string, Map<string, number>>();
  private readonly seatHolders = new Map<string, IndexedSet>();
  private readonly seatsBySource = new Map<string, Map<string, number>>();
  private readonly offline = new Map<string, OfflineLicense[]>();
  private readonly registeredMachines = new Map<string, Set<string>>();
  private readonly activeApplications: string[] = [];
  private readonly onboardingDays: number;
  private sessionCounter = 0;
  private commandCounter = 0;
  private applicationCounter = 0;
  private offlineCounter = 0;

  private buffer: Timed[] = [];
  private adminQueue: { type: string; fields: Record<string, unknown>; expect?: string }[] = [];
  /** Commands pushed, including those dropped for lying at or after `end`. */
  private attempted = 0;
  private readonly kreQuantity: number;
  private readonly tcQuantity: number;

  constructor(
    private readonly index: number,
    userCount: number,
    private readonly budget: number,
    private readonly options: ResolvedHistoryOptions,
  ) {
    this.rng = new Random(deriveSeed(options.seed, index));
    this.accountId = `${options.accountPrefix}-${String(index + 1).padStart(3, '0')}`;
    this.timezone = TIMEZONES[index % TIMEZONES.length];
    this.endMs = Date.parse(options.end);
    this.startMs = this.endMs - options.days * DAY_MS;
    this.onboardingDays = Math.max(1, Math.round(options.days * 0.2));
    this.buildOrganizations();
    this.buildUsers(userCount);
    this.cumulativeWeight = this.buildWeights();
    for (const p of [...SEAT_PRODUCTS, ...SESSION_PRODUCTS, 'TRUETEST']) {
      this.dedications.set(p, new Map());
      this.seatHolders.set(p, new IndexedSet());
      this.seatsBySource.set(p, new Map());
      this.offline.set(p, []);
      this.registeredMachines.set(p, new Set());
    }
    const sessions = this.estimateSessionsPerWeekday();
    this.kreQuantity = capacityFor((sessions.kre * (65 / 60)) / 12);
    this.tcQuantity = capacityFor((sessions.tc * (32 / 60)) / 12);
  }

  // ── Plan ────────────────────────────────────────────────────────────────

  private buildOrganizations(): void {
    const add = (name: string, parent: number): number => {
      const idx = this.orgs.length;
      const parentPath = parent < 0 ? [] : this.orgs[parent].path;
      this.orgs.push({ id: `org-${idx + 1}`, name, parent, depth: parentPath.length + 1, path: [idx, ...parentPath] });
      return idx;
    };
    for (const top of TOP_ORG_NAMES) {
      const t = add(top, -1);
      for (const child of CHILD_ORG_NAMES) {
        const c = add(`${top} ${child}`, t);
        for (const leaf of LEAF_ORG_NAMES) add(`${top} ${child} ${leaf}`, c);
      }
    }
    for (const org of this.orgs) {
      if (org.depth === 1) this.projects.push({ id: `prj-${this.projects.length + 1}`, org: org.path[0] });
      if (org.depth <= 2) this.projects.push({ id: `prj-${this.projects.length + 1}`, org: org.path[0] });
    }
  }

  private buildUsers(count: number): void {
    const orgWeights = this.orgs.map((o) => (o.depth === 3 ? 3 : o.depth === 2 ? 1.5 : 0.5));
    const orgTotal = orgWeights.reduce((a, b) => a + b, 0);
    for (let i = 0; i < count; i++) {
      let x = this.rng.next() * orgTotal;
      let org = 0;
      while (x >= orgWeights[org]) x -= orgWeights[org++];
      let y = this.rng.next();
      let profile: Profile = 'tester';
      for (const p of PROFILES) {
        if (y < p.share) {
          profile = p.profile;
          break;
        }
        y -= p.share;
      }
      this.users.push({ idx: i, id: `u-${String(i + 1).padStart(6, '0')}`, org: Math.min(org, this.orgs.length - 1), profile });
    }
  }

  private buildWeights(): Float64Array {
    const cumulative = new Float64Array(this.users.length);
    let sum = 0;
    for (const user of this.users) {
      const activity = PROFILES.find((p) => p.profile === user.profile)!.activity;
      sum += activity * Math.exp(0.8 * this.rng.gaussian());
      cumulative[user.idx] = sum;
    }
    return cumulative;
  }

  /** Sessions per weekday at full activity, to size the session purchases so that peaks are rarely denied. */
  private estimateSessionsPerWeekday(): { kre: number; tc: number } {
    const activity = this.activityBudget();
    const dayWeights = this.dayWeights();
    const perWeightUnit = activity / dayWeights.reduce((a, b) => a + b, 0);
    const episodes = perWeightUnit / 5.5;
    const weightOf = (profile: Profile) => {
      let w = 0;
      let previous = 0;
      for (const user of this.users) {
        if (user.profile === profile) w += this.cumulativeWeight[user.idx] - previous;
        previous = this.cumulativeWeight[user.idx];
      }
      return w / previous;
    };
    return { kre: episodes * weightOf('runner') * 1.3, tc: episodes * weightOf('cloud') };
  }

  private setupEstimate(): number {
    const u = this.users.length;
    const count = (profile: Profile) => this.users.filter((x) => x.profile === profile).length;
    const seats =
      Math.min(count('tester'), 0.85 * Math.round(0.6 * u)) +
      Math.min(count('manager') + 0.3 * count('tester'), 0.85 * Math.round(0.3 * u)) +
      Math.min(count('manager'), 0.85 * Math.max(2, Math.round(0.03 * u)));
    return 1 + this.orgs.length + this.projects.length + 7 + 5 + u + 0.75 * u + count('runner') + seats;
  }

  private activityBudget(): number {
    return Math.max(0, this.budget * 1.05 - this.setupEstimate());
  }

  /** Relative activity per day: weekends are quiet, and activity ramps up while users are onboarded. */
  private dayWeights(): number[] {
    return Array.from({ length: this.options.days }, (_, d) => {
      const weekday = DateTime.fromMillis(this.localMidnight(d), { zone: this.timezone }).weekday;
      const registered = Math.min(1, (d + 1) / this.onboardingDays);
      return (weekday >= 6 ? 0.2 : 1) * registered;
    });
  }

  private localMidnight(day: number): number {
    return DateTime.fromMillis(this.startMs, { zone: this.timezone }).startOf('day').plus({ days: day }).toMillis();
  }

  // ── Run ─────────────────────────────────────────────────────────────────

  /** Every command of the account, in time order. */
  *run(): Generator<Timed> {
    const weights = this.dayWeights();
    let remainingWeight = weights.reduce((a, b) => a + b, 0);
    let remainingActivity = this.activityBudget();
    for (let day = 0; day < this.options.days; day++) {
      const midnight = this.localMidnight(day);
      if (midnight + 6 * HOUR_MS >= this.endMs) break;
      if (day === 0) this.setUpAccount();
      if (day < this.onboardingDays) this.onboard(day, midnight + 6 * HOUR_MS);
      const onboardingCount = this.adminQueue.length;
      this.dailyAdministration(day, midnight);
      const adminActivity = this.adminQueue.length - onboardingCount;
      this.scheduleAdmin(midnight);

      const target = remainingWeight > 0 ? (remainingActivity * weights[day]) / remainingWeight : 0;
      remainingWeight -= weights[day];
      const before = this.attempted;
      this.workDay(midnight, Math.max(0, target - adminActivity));
      remainingActivity -= adminActivity + (this.attempted - before);

      this.buffer.sort((a, b) => a.t - b.t);
      yield* this.buffer;
      this.buffer = [];
    }
  }

  private push(t: number, type: string, fields: Record<string, unknown>, expect?: string): void {
    this.attempted++;
    if (t >= this.endMs) return;
    this.commandCounter++;
    const command = {
      type,
      accountId: this.accountId,
      at: new Date(t).toISOString(),
      ...(this.options.commandIds ? { commandId: `${this.accountId}-c${this.commandCounter}` } : {}),
      ...fields,
    } as HistoryCommand;
    this.buffer.push(expect ? { t, command, expect } : { t, command });
  }

  private admin(type: string, fields: Record<string, unknown>, expect?: string): void {
    this.adminQueue.push({ type, fields, expect });
  }

  /** Admin commands of the day happen between 06:00 and 08:00 local, in the order they were decided. */
  private scheduleAdmin(midnight: number): void {
    const step = Math.max(1, Math.floor((2 * HOUR_MS) / Math.max(1, this.adminQueue.length)));
    this.adminQueue.forEach((a, i) => this.push(midnight + 6 * HOUR_MS + i * step, a.type, a.fields, a.expect));
    this.adminQueue = [];
  }

  private setUpAccount(): void {
    this.admin('OpenAccount', { name: `Account ${String(this.index + 1).padStart(3, '0')} Inc.`, timezone: this.timezone });
    for (const org of this.orgs) {
      this.admin('CreateOrganization', { orgId: org.id, name: org.name, parentOrgId: org.parent < 0 ? null : this.orgs[org.parent].id });
    }
    for (const project of this.projects) {
      this.admin('CreateProject', {
        projectId: project.id,
        name: `${this.orgs[project.org].name} project ${project.id}`,
        orgId: this.orgs[project.org].id,
      });
    }
    const u = this.users.length;
    const startsAt = new Date(this.startMs - 30 * DAY_MS).toISOString();
    const expiresAt = new Date(this.endMs + 365 * DAY_MS).toISOString();
    const quantities: [string, number, number | null][] = [
      ['KSE', Math.max(5, Math.round(0.6 * u)), null],
      ['TESTOPS', Math.max(3, Math.round(0.3 * u)), null],
      ['KAM', Math.max(2, Math.round(0.03 * u)), null],
      ['KRE', this.kreQuantity, Math.max(10, 2 * u)],
      ['TC_DESKTOP', this.tcQuantity, null],
      ['TC_MOBILE_NATIVE', Math.max(1, Math.round(this.tcQuantity / 2)), null],
      ['TRUETEST', 5, null],
    ];
    for (const [product, quantity, machineQuota] of quantities) {
      const purchaseId = `p-${product}-1`;
      this.purchaseIds.set(product, purchaseId);
      this.purchased.set(product, quantity);
      this.admin('PurchaseLicenses', { purchaseId, product, quantity, startsAt, expiresAt, ...(machineQuota === null ? {} : { machineQuota }) });
    }
    // KSE: two top-level orgs, and a child of the first nested under it; KRE: one top-level org.
    const subtreeUsers = (org: number) => this.users.filter((x) => this.orgs[x.org].path.includes(org)).length;
    const [t0, t1, t2] = this.orgs.filter((o) => o.depth === 1).map((o) => o.path[0]);
    const c00 = this.orgs.findIndex((o) => o.parent === t0);
    const kse = this.purchased.get('KSE')!;
    const dedicate = (product: string, org: number, quantity: number) => {
      if (quantity < 1) return;
      this.dedications.get(product)!.set(org, quantity);
      this.poolCache.delete(product);
      this.admin('DedicateLicenses', { product, orgId: this.orgs[org].id, quantity });
    };
    const kseT0 = Math.min(Math.floor(kse * 0.45), Math.round(0.6 * subtreeUsers(t0)));
    const kseT1 = Math.min(Math.floor(kse * 0.3), Math.round(0.6 * subtreeUsers(t1)));
    dedicate('KSE', t0, kseT0);
    dedicate('KSE', c00, Math.min(kseT0 - 1, Math.round(0.6 * subtreeUsers(c00))));
    dedicate('KSE', t1, kseT1);
    const runnersIn = (org: number) => this.users.filter((x) => x.profile === 'runner' && this.orgs[x.org].path.includes(org)).length;
    const runners = this.users.filter((x) => x.profile === 'runner').length;
    if (this.kreQuantity >= 3 && runners > 0) {
      dedicate('KRE', t2, Math.min(this.kreQuantity - 1, Math.max(1, Math.round((this.kreQuantity * runnersIn(t2)) / runners))));
    }
  }

  private onboard(day: number, now: number): void {
    const from = Math.floor((this.users.length * day) / this.onboardingDays);
    const to = Math.floor((this.users.length * (day + 1)) / this.onboardingDays);
    for (let i = from; i < to; i++) {
      const user = this.users[i];
      const first = FIRST_NAMES[i % FIRST_NAMES.length];
      const last = LAST_NAMES[Math.floor(i / FIRST_NAMES.length) % LAST_NAMES.length];
      this.admin('RegisterUser', {
        userId: user.id,
        email: `${first.toLowerCase()}.${user.id}@${this.accountId}.example.com`,
        fullName: `${first} ${last}`,
        orgId: this.orgs[user.org].id,
      });
      const top = this.orgs[user.org].path.at(-1)!;
      const projects = this.projects.filter((p) => p.org === top);
      if (projects.length > 0 && this.rng.chance(0.5)) {
        const first = this.rng.int(projects.length);
        this.admin('AddUserToProject', { projectId: projects[first].id, userId: user.id });
        if (projects.length > 1 && this.rng.chance(0.5)) {
          this.admin('AddUserToProject', { projectId: projects[(first + 1) % projects.length].id, userId: user.id });
        }
      }
      if (user.profile === 'runner') {
        this.admin('RegisterMachine', { product: 'KRE', machineId: machineOf(user), userId: user.id });
        this.registeredMachines.get('KRE')!.add(machineOf(user));
      }
      if (user.profile === 'tester') this.tryAssign('KSE', i, 0.85, now);
      if (user.profile === 'manager' || (user.profile === 'tester' && this.rng.chance(0.3))) this.tryAssign('TESTOPS', i, 0.85, now);
      if (user.profile === 'manager') this.tryAssign('KAM', i, 0.85, now);
    }
    this.registered = to;
  }

  /** Seat churn, offline licenses, machines, applications, moves, and the one-off amendment and dedication. */
  private dailyAdministration(day: number, midnight: number): void {
    const now = midnight + 6 * HOUR_MS;
    const scale = this.registered / 500;
    if (this.registered === 0) return;
    for (const product of ['KSE', 'TESTOPS'] as const) {
      const pairs = this.rng.poisson(product === 'KSE' ? 0.4 + scale : 0.2 + scale / 2);
      for (let k = 0; k < pairs; k++) {
        const holder = this.seatHolders.get(product)!.pick(this.rng);
        if (holder !== undefined) this.unassign(product, holder);
        for (let tries = 0; tries < 10; tries++) {
          const candidate = this.rng.int(this.registered);
          const profile = this.users[candidate].profile;
          if ((product === 'KSE' ? profile === 'tester' : profile !== 'runner') && this.tryAssign(product, candidate, 1, now)) break;
        }
      }
    }
    // An admin now and then assigns a seat the user already has.
    if (this.rng.chance(0.05)) {
      const holder = this.seatHolders.get('KSE')!.pick(this.rng);
      if (holder !== undefined) this.admin('AssignSeat', { product: 'KSE', userId: this.users[holder].id }, 'ALREADY_ASSIGNED');
    }
    for (let k = this.rng.poisson(0.1 + scale / 4); k > 0; k--) this.generateOffline('KSE', 'tester', now);
    // KRE offline licenses hold session units for weeks: few, relative to the KRE purchase.
    for (let k = this.rng.poisson(0.01 + this.kreQuantity / 400); k > 0; k--) this.generateOffline('KRE', 'runner', now);
    for (let k = this.rng.poisson(0.05 + scale / 20); k > 0; k--) this.deactivateMachine();
    for (let k = this.rng.poisson(0.05 + scale / 10); k > 0; k--) this.moveUser(now);
    this.applications();
    if (day === Math.floor(this.options.days / 2)) {
      const quantity = Math.ceil(this.purchased.get('KSE')! * 1.1);
      this.purchased.set('KSE', quantity);
      this.poolCache.delete('KSE');
      this.admin('AmendPurchase', { purchaseId: this.purchaseIds.get('KSE')!, quantity });
    }
    if (day === Math.floor(this.options.days / 3)) {
      const t1 = this.orgs.filter((o) => o.depth === 1)[1].path[0];
      const current = this.dedications.get('KSE')!.get(t1);
      if (current !== undefined && this.free('KSE', ACCOUNT, now) >= 2) {
        this.dedications.get('KSE')!.set(t1, current + 2);
        this.poolCache.delete('KSE');
        this.admin('DedicateLicenses', { product: 'KSE', orgId: this.orgs[t1].id, quantity: current + 2 });
      }
    }
  }

  private tryAssign(product: string, user: number, fill: number, at: number): boolean {
    const holders = this.seatHolders.get(product)!;
    if (holders.has(user)) return false;
    const source = this.sourceOf(product, user);
    const pool = this.pools(product).get(source) ?? 0;
    if (this.free(product, source, at) < 1 || this.used(product, source, at) + 1 > pool * fill) return false;
    holders.add(user);
    bump(this.seatsBySource.get(product)!, source, 1);
    this.admin('AssignSeat', { product, userId: this.users[user].id });
    return true;
  }

  private unassign(product: string, user: number): void {
    this.seatHolders.get(product)!.delete(user);
    bump(this.seatsBySource.get(product)!, this.sourceOf(product, user), -1);
    this.admin('UnassignSeat', { product, userId: this.users[user].id });
  }

  private generateOffline(product: 'KSE' | 'KRE', profile: Profile, now: number): void {
    for (let tries = 0; tries < 5; tries++) {
      const user = this.rng.int(this.registered);
      if (this.users[user].profile !== profile) continue;
      const source = this.sourceOf(product, user);
      if (this.free(product, source, now) < 1) return;
      if (product === 'KRE' && this.free(product, source, now) < 2) return;
      const machineId = `off-${this.users[user].id}-${++this.offlineCounter}`;
      const expiresAt = now + this.rng.between(7, 30) * DAY_MS;
      this.offline.get(product)!.push({ user, machineId, expiresAt });
      this.registeredMachines.get(product)!.add(machineId);
      this.admin('GenerateOfflineLicense', { product, userId: this.users[user].id, machineId, expiresAt: new Date(expiresAt).toISOString() });
      return;
    }
  }

  private deactivateMachine(): void {
    for (let tries = 0; tries < 5; tries++) {
      const user = this.users[this.rng.int(this.registered)];
      if (user.profile !== 'runner') continue;
      const machines = this.registeredMachines.get('KRE')!;
      if (!machines.has(machineOf(user))) return;
      machines.delete(machineOf(user));
      this.admin('DeactivateMachine', { product: 'KRE', machineId: machineOf(user), userId: user.id });
      return;
    }
  }

  /** Moves a user who holds no license unit (so no unit changes source). */
  private moveUser(now: number): void {
    for (let tries = 0; tries < 5; tries++) {
      const user = this.rng.int(this.registered);
      if (SEAT_PRODUCTS.some((p) => this.seatHolders.get(p)!.has(user))) continue;
      if ([...this.offline.values()].some((list) => list.some((l) => l.user === user && l.expiresAt > now))) continue;
      const to = this.rng.int(this.orgs.length);
      if (to === this.users[user].org) continue;
      this.users[user].org = to;
      this.admin('MoveUser', { userId: this.users[user].id, orgId: this.orgs[to].id });
      return;
    }
  }

  private applications(): void {
    const quantity = this.purchased.get('TRUETEST')!;
    if (this.activeApplications.length > 0 && this.rng.chance(0.3)) {
      const [released] = this.activeApplications.splice(this.rng.int(this.activeApplications.length), 1);
      this.admin('ReleaseApplication', { applicationId: released });
    }
    for (let k = this.rng.poisson(0.4); k > 0; k--) {
      const applicationId = `app-${++this.applicationCounter}`;
      if (this.activeApplications.length < quantity) {
        this.activeApplications.push(applicationId);
        this.admin('ActivateApplication', { applicationId });
      } else if (this.rng.chance(0.2)) {
        this.admin('ActivateApplication', { applicationId }, 'CONCURRENCY_LIMIT_REACHED');
      }
    }
  }

  // ── Pools, as SPEC §1 computes them ───────────────────────────────────────

  private sourceOf(product: string, user: number): string {
    const dedications = this.dedications.get(product)!;
    for (const org of this.orgs[this.users[user].org].path) if (dedications.has(org)) return this.orgs[org].id;
    return ACCOUNT;
  }

  private pools(product: string): Map<string, number> {
    let pools = this.poolCache.get(product);
    if (pools) return pools;
    const dedications = this.dedications.get(product)!;
    pools = new Map([[ACCOUNT, this.purchased.get(product) ?? 0]]);
    for (const [org, quantity] of dedications) pools.set(this.orgs[org].id, (pools.get(this.orgs[org].id) ?? 0) + quantity);
    for (const [org, quantity] of dedications) {
      const parent = this.orgs[org].path.slice(1).find((o) => dedications.has(o));
      const scope = parent === undefined ? ACCOUNT : this.orgs[parent].id;
      pools.set(scope, pools.get(scope)! - quantity);
    }
    this.poolCache.set(product, pools);
    return pools;
  }

  private offlineIn(product: string, source: string, at: number): number {
    let n = 0;
    for (const l of this.offline.get(product)!) if (l.expiresAt > at && this.sourceOf(product, l.user) === source) n++;
    return n;
  }

  private used(product: string, source: string, at: number): number {
    return (this.seatsBySource.get(product)!.get(source) ?? 0) + this.offlineIn(product, source, at);
  }

  private free(product: string, source: string, at: number): number {
    return (this.pools(product).get(source) ?? 0) - this.used(product, source, at);
  }

  // ── Work: logins, activity, sessions ──────────────────────────────────────

  private workDay(midnight: number, target: number): void {
    const sessions: PlannedSession[] = [];
    const start = this.attempted;
    // Sessions are planned first and pushed after the capacity sweep: count them as they are planned.
    let planned = 0;
    while (this.registered > 0 && this.attempted - start + planned < target) {
      const user = this.users[this.pickUser()];
      const t = midnight + 8 * HOUR_MS + this.rng.int(12 * HOUR_MS);
      planned += this.episode(user, t, sessions);
    }
    this.sweepSessions(sessions);
  }

  private pickUser(): number {
    const total = this.cumulativeWeight[this.registered - 1];
    const x = this.rng.next() * total;
    let lo = 0;
    let hi = this.registered - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cumulativeWeight[mid] > x) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /** One stretch of work of a user; returns the number of session commands planned (not yet pushed). */
  private episode(user: SimUser, t: number, sessions: PlannedSession[]): number {
    const id = user.id;
    let planned = 0;
    const plan = (product: string, machineId: string, licenseType: 'online' | 'offline', start: number, minutes: [number, number], crash: number) => {
      const session = this.planSession(product, user, machineId, licenseType, start, this.rng.between(...minutes) * MINUTE_MS, crash);
      sessions.push(session);
      planned += 1 + session.heartbeats.length + (session.end === null ? 0 : 1) + (session.lateHeartbeat === null ? 0 : 1);
      return session;
    };
    switch (user.profile) {
      case 'tester': {
        this.push(t, 'RecordLogin', { product: 'KSE', userId: id, machineId: machineOf(user) });
        let at = t;
        for (let k = this.rng.between(1, 4); k > 0; k--) {
          at += this.rng.between(2, 40) * MINUTE_MS;
          this.push(at, 'RecordActivity', { product: 'KSE', userId: id, action: this.rng.pick(KSE_ACTIONS) });
        }
        const offline = this.offline.get('KSE')!.find((l) => l.user === user.idx && l.expiresAt > t + 4 * HOUR_MS);
        if (offline && this.rng.chance(0.5)) plan('KSE', offline.machineId, 'offline', t + MINUTE_MS, [20, 180], 0.02);
        else if (this.seatHolders.get('KSE')!.has(user.idx) && this.rng.chance(0.35))
          plan('KSE', machineOf(user), 'online', t + MINUTE_MS, [20, 180], 0.02);
        if (this.seatHolders.get('TESTOPS')!.has(user.idx) && this.rng.chance(0.3)) {
          this.push(at + 5 * MINUTE_MS, 'RecordLogin', { product: 'TESTOPS', userId: id });
          this.push(at + 7 * MINUTE_MS, 'RecordActivity', { product: 'TESTOPS', userId: id, action: this.rng.pick(TESTOPS_ACTIONS) });
        }
        break;
      }
      case 'runner': {
        let start = t;
        for (let k = this.rng.chance(0.3) ? 2 : 1; k > 0; k--) {
          const offline = this.offline.get('KRE')!.find((l) => l.user === user.idx && l.expiresAt > start + 4 * HOUR_MS);
          const session = offline
            ? plan('KRE', offline.machineId, 'offline', start, [10, 120], 0.03)
            : plan('KRE', machineOf(user), 'online', start, [10, 120], 0.03);
          start = (session.end ?? session.start + 2 * HOUR_MS) + this.rng.between(1, 30) * MINUTE_MS;
        }
        break;
      }
      case 'cloud': {
        const product = this.rng.chance(0.7) ? 'TC_DESKTOP' : 'TC_MOBILE_NATIVE';
        this.push(t, 'RecordLogin', { product, userId: id });
        plan(product, `tc-${user.id}`, 'online', t + MINUTE_MS, [5, 60], 0.02);
        break;
      }
      case 'manager': {
        this.push(t, 'RecordLogin', { product: 'TESTOPS', userId: id });
        let at = t;
        for (let k = this.rng.between(1, 3); k > 0; k--) {
          at += this.rng.between(3, 60) * MINUTE_MS;
          this.push(at, 'RecordActivity', { product: 'TESTOPS', userId: id, action: this.rng.pick(TESTOPS_ACTIONS) });
        }
        if (this.seatHolders.get('KAM')!.has(user.idx) && this.rng.chance(0.3)) {
          this.push(at + MINUTE_MS, 'RecordLogin', { product: 'KAM', userId: id });
        }
        break;
      }
    }
    return planned;
  }

  private planSession(
    product: string,
    user: SimUser,
    machineId: string,
    licenseType: 'online' | 'offline',
    start: number,
    duration: number,
    crash: number,
  ): PlannedSession {
    const heartbeats: number[] = [];
    const crashed = this.rng.chance(crash);
    const crashAt = crashed ? start + this.rng.next() * duration : Infinity;
    let beat = start;
    for (;;) {
      beat += HEARTBEAT_MS + this.rng.between(-30_000, 30_000);
      if (beat >= start + duration || beat >= crashAt) break;
      heartbeats.push(beat);
    }
    const lastSeen = heartbeats.at(-1) ?? start;
    return {
      product,
      sessionId: `s-${++this.sessionCounter}`,
      user: user.idx,
      machineId,
      licenseType,
      start,
      heartbeats,
      end: crashed ? null : start + duration,
      lateHeartbeat: crashed && this.rng.chance(0.2) ? lastSeen + LEASE_MS + this.rng.between(1, 20) * MINUTE_MS : null,
    };
  }

  /**
   * Decides, in start order, which sessions find a free unit (as the ledger will), then pushes
   * their commands: a denied start is pushed alone (SessionDenied, rejected).
   */
  private sweepSessions(sessions: PlannedSession[]): void {
    sessions.sort((a, b) => a.start - b.start);
    const open = new Map<string, number[]>();
    for (const s of sessions) {
      const userId = this.users[s.user].id;
      const start = {
        product: s.product,
        sessionId: s.sessionId,
        userId,
        machineId: s.machineId,
        ...(s.licenseType === 'offline' ? { licenseType: 'offline' } : {}),
      };
      const drawsUnit = s.licenseType === 'online' && (SESSION_PRODUCTS as readonly string[]).includes(s.product);
      if (drawsUnit) {
        const source = this.sourceOf(s.product, s.user);
        const key = `${s.product}|${source}`;
        const ends = (open.get(key) ?? []).filter((end) => end > s.start);
        const capacity = (this.pools(s.product).get(source) ?? 0) - this.offlineIn(s.product, source, s.start);
        if (ends.length >= capacity) {
          open.set(key, ends);
          this.push(s.start, 'StartSession', start, 'CONCURRENCY_LIMIT_REACHED');
          continue;
        }
        ends.push(s.end ?? (s.heartbeats.at(-1) ?? s.start) + LEASE_MS);
        open.set(key, ends);
      }
      this.push(s.start, 'StartSession', start);
      for (const beat of s.heartbeats) this.push(beat, 'HeartbeatSession', { sessionId: s.sessionId });
      if (s.end !== null) this.push(s.end, 'EndSession', { sessionId: s.sessionId });
      if (s.lateHeartbeat !== null) this.push(s.lateHeartbeat, 'HeartbeatSession', { sessionId: s.sessionId }, 'SESSION_NOT_OPEN');
    }
  }
}

function machineOf(user: SimUser): string {
  return `m-${user.id}`;
}

/** Units for a mean concurrency: enough that only the day's peaks are sometimes denied. */
function capacityFor(meanConcurrency: number): number {
  return Math.max(2, Math.ceil(meanConcurrency + 2 * Math.sqrt(meanConcurrency) + 1));
}

function bump(counts: Map<string, number>, key: string, delta: number): void {
  counts.set(key, (counts.get(key) ?? 0) + delta);
}

/** A binary min-heap of timed commands by (time, source), for merging account streams. */
class TimedHeap {
  private readonly items: { item: Timed; source: number }[] = [];

  get size(): number {
    return this.items.length;
  }

  push(item: Timed, source: number): void {
    const items = this.items;
    items.push({ item, source });
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) break;
      [items[i], items[parent]] = [items[parent], items[i]];
      i = parent;
    }
  }

  pop(): { item: Timed; source: number } {
    const items = this.items;
    const top = items[0];
    const last = items.pop()!;
    if (items.length > 0) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < items.length && this.less(l, m)) m = l;
        if (r < items.length && this.less(r, m)) m = r;
        if (m === i) break;
        [items[i], items[m]] = [items[m], items[i]];
        i = m;
      }
    }
    return top;
  }

  private less(a: number, b: number): boolean {
    const x = this.items[a];
    const y = this.items[b];
    return x.item.t < y.item.t || (x.item.t === y.item.t && x.source < y.source);
  }
}
