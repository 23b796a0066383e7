import { DateTime } from 'luxon';
import { SimPools } from './account-pools.js';
import { Administration, type SimAccount } from './administration.js';
import { CommandBuffer, type Timed } from './command-buffer.js';
import { AccountDirectory, type Profile } from './directory.js';
import type { ResolvedHistoryOptions } from './history-options.js';
import { deriveSeed, Random } from './random.js';
import { DAY_MS, HOUR_MS, TIMEZONES } from './sim-constants.js';
import { WorkDay } from './work-day.js';

export function planAccounts(options: ResolvedHistoryOptions): AccountSim[] {
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

/** One simulated account: its plan (directory, purchase sizes, activity per day) and its commands, day by day. */
export class AccountSim implements SimAccount {
  readonly accountId: string;
  readonly timezone: string;
  readonly directory: AccountDirectory;
  readonly startMs: number;
  readonly endMs: number;
  readonly onboardingDays: number;
  readonly kreQuantity: number;
  readonly tcQuantity: number;
  private readonly buffer: CommandBuffer;
  private readonly administration: Administration;
  private readonly work: WorkDay;

  constructor(
    readonly index: number,
    userCount: number,
    private readonly budget: number,
    readonly options: ResolvedHistoryOptions,
  ) {
    const rng = new Random(deriveSeed(options.seed, index));
    this.accountId = `${options.accountPrefix}-${String(index + 1).padStart(3, '0')}`;
    this.timezone = TIMEZONES[index % TIMEZONES.length];
    this.endMs = Date.parse(options.end);
    this.startMs = this.endMs - options.days * DAY_MS;
    this.onboardingDays = Math.max(1, Math.round(options.days * 0.2));
    this.directory = new AccountDirectory(rng, userCount);
    const pools = new SimPools(this.directory);
    const sessions = this.estimateSessionsPerWeekday();
    this.kreQuantity = capacityFor((sessions.kre * (65 / 60)) / 12);
    this.tcQuantity = capacityFor((sessions.tc * (32 / 60)) / 12);
    this.buffer = new CommandBuffer(this.accountId, this.endMs, options.commandIds);
    this.administration = new Administration(rng, this, this.directory, pools, this.buffer);
    this.work = new WorkDay(rng, this.directory, pools, this.buffer);
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
      for (const user of this.directory.users) {
        if (user.profile === profile) w += this.directory.cumulativeWeight[user.idx] - previous;
        previous = this.directory.cumulativeWeight[user.idx];
      }
      return w / previous;
    };
    return { kre: episodes * weightOf('runner') * 1.3, tc: episodes * weightOf('cloud') };
  }

  private setupEstimate(): number {
    const u = this.directory.users.length;
    const count = (profile: Profile) => this.directory.users.filter((x) => x.profile === profile).length;
    const seats =
      Math.min(count('tester'), 0.85 * Math.round(0.6 * u)) +
      Math.min(count('manager') + 0.3 * count('tester'), 0.85 * Math.round(0.3 * u)) +
      Math.min(count('manager'), 0.85 * Math.max(2, Math.round(0.03 * u)));
    return 1 + this.directory.orgs.length + this.directory.projects.length + 7 + 5 + u + 0.75 * u + count('runner') + seats;
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

  /** Every command of the account, in time order. */
  *run(): Generator<Timed> {
    const weights = this.dayWeights();
    let remainingWeight = weights.reduce((a, b) => a + b, 0);
    let remainingActivity = this.activityBudget();
    for (let day = 0; day < this.options.days; day++) {
      const midnight = this.localMidnight(day);
      if (midnight + 6 * HOUR_MS >= this.endMs) break;
      if (day === 0) this.administration.setUpAccount();
      if (day < this.onboardingDays) this.administration.onboard(day, midnight + 6 * HOUR_MS);
      const onboardingCount = this.buffer.adminCount;
      this.administration.dailyAdministration(day, midnight);
      const adminActivity = this.buffer.adminCount - onboardingCount;
      this.buffer.scheduleAdmin(midnight);

      const target = remainingWeight > 0 ? (remainingActivity * weights[day]) / remainingWeight : 0;
      remainingWeight -= weights[day];
      const before = this.buffer.attempted;
      this.work.plan(midnight, Math.max(0, target - adminActivity));
      remainingActivity -= adminActivity + (this.buffer.attempted - before);

      yield* this.buffer.drain();
    }
  }
}

/** Units for a mean concurrency: enough that only the day's peaks are sometimes denied. */
function capacityFor(meanConcurrency: number): number {
  return Math.max(2, Math.ceil(meanConcurrency + 2 * Math.sqrt(meanConcurrency) + 1));
}
