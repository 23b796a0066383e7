import { DateTime } from 'luxon';
import type { Random } from '../../libs/history-generator/src/random.js';

/**
 * The report requests the read-side benchmark times: each case draws realistic, varied parameters
 * (an organization of the account, a page, a search text, a time window) for every run.
 */

/** What the cases draw from: the biggest account, its organizations and users, the history's span. */
export interface ReportAccount {
  readonly accountId: string;
  /** Every organization id, top-level ones first. */
  readonly orgIds: readonly string[];
  readonly topOrgIds: readonly string[];
  /** Full names of some users (search texts are taken from them). */
  readonly userNames: readonly string[];
  /** Local dates (account time zone) of the first and last events. */
  readonly firstDate: string;
  readonly lastDate: string;
}

export interface ReportCase {
  /** e.g. 'seat-usage week groupBy=org'. */
  readonly label: string;
  /** A report of `REPORTS`, or 'licenses' (the license overview). */
  readonly report: string;
  /** Every run as the first read after a change: nothing kept from earlier requests (the overview's lists). */
  readonly uncached?: boolean;
  /** The p95 this case must meet when it is not the plain reports' (capacity planning: 1 s, SPEC §8 / issue 16). */
  readonly targetP95Ms?: number;
  parameters(account: ReportAccount, random: Random): Record<string, string>;
}

function licensesParameters(account: ReportAccount, random: Random): Record<string, string> {
  return { ...(random.chance(0.5) ? { product: random.pick(['KSE', 'KRE', 'TRUETEST']) } : {}), ...maybeOrg(account, random) };
}

/** [from, to] local dates: the last `days` days of the history (or all of it when shorter). */
function lastDays(account: ReportAccount, days: number): { from: string; to: string } {
  const last = DateTime.fromISO(account.lastDate);
  const from = DateTime.max(DateTime.fromISO(account.firstDate), last.minus({ days: days - 1 }));
  return { from: from.toISODate()!, to: account.lastDate };
}

/** A window of `days` days at a random place in the history. */
function someDays(account: ReportAccount, random: Random, days: number): { from: string; to: string } {
  const first = DateTime.fromISO(account.firstDate);
  const span = Math.max(0, Math.floor(DateTime.fromISO(account.lastDate).diff(first, 'days').days) - days + 1);
  const from = first.plus({ days: random.between(0, span) });
  return { from: from.toISODate()!, to: from.plus({ days: days - 1 }).toISODate()! };
}

/** No organization half of the time (the whole account), else any organization. */
function maybeOrg(account: ReportAccount, random: Random): Record<string, string> {
  return random.chance(0.5) ? {} : { orgId: random.pick(account.orgIds) };
}

/** A search text: the start of a user's name, or a surname fragment. */
function searchText(account: ReportAccount, random: Random): string {
  const name = random.pick(account.userNames);
  const words = name.split(' ');
  return random.chance(0.5) ? words[0]! : words.at(-1)!.slice(0, 4);
}

const CAPACITY_TARGET_P95_MS = 1_000;

export const REPORT_CASES: readonly ReportCase[] = [
  {
    label: 'seat-history day × 90',
    report: 'seat-history',
    parameters: (a, r) => ({ product: 'KSE', interval: 'day', ...lastDays(a, 90), ...maybeOrg(a, r) }),
  },
  {
    label: 'seat-history month groupBy=org',
    report: 'seat-history',
    parameters: (a, r) => ({ product: r.pick(['KSE', 'TESTOPS']), interval: 'month', groupBy: 'org', ...lastDays(a, 365) }),
  },
  {
    label: 'assignments page',
    report: 'assignments',
    parameters: (a, r) => ({
      product: 'KSE',
      page: String(r.between(1, 5)),
      ...maybeOrg(a, r),
      ...(r.chance(0.5) ? { sort: r.pick(['lastActiveUse', '-lastAssignment', 'organization']) } : {}),
    }),
  },
  { label: 'assignments q', report: 'assignments', parameters: (a, r) => ({ product: 'KSE', q: searchText(a, r) }) },
  {
    label: 'seat-usage day × 90',
    report: 'seat-usage',
    parameters: (a, r) => ({ product: r.pick(['KSE', 'TESTOPS']), interval: 'day', ...lastDays(a, 90), ...maybeOrg(a, r) }),
  },
  {
    label: 'seat-usage week groupBy=org',
    report: 'seat-usage',
    parameters: (a, r) => ({ product: 'KSE', interval: 'week', groupBy: 'org', ...lastDays(a, 91), ...maybeOrg(a, r) }),
  },
  { label: 'seat-usage hour × 7 days', report: 'seat-usage', parameters: (a, r) => ({ product: 'KSE', interval: 'hour', ...someDays(a, r, 7) }) },
  {
    label: 'sessions page',
    report: 'sessions',
    parameters: (a, r) => ({
      product: 'KRE',
      page: String(r.between(1, 20)),
      ...maybeOrg(a, r),
      ...(r.chance(0.5) ? { sort: r.pick(['-durationSeconds', 'started', 'user']) } : {}),
    }),
  },
  { label: 'sessions q', report: 'sessions', parameters: (a, r) => ({ product: 'KRE', q: searchText(a, r) }) },
  {
    label: 'sessions status=expired, 31 days',
    report: 'sessions',
    parameters: (a, r) => ({ product: 'KRE', status: 'expired', ...someDays(a, r, 31) }),
  },
  {
    label: 'session-usage day × 365',
    report: 'session-usage',
    parameters: (a, r) => ({ product: 'KRE', interval: 'day', ...lastDays(a, 365), ...maybeOrg(a, r) }),
  },
  {
    label: 'session-usage hour × 7 days',
    report: 'session-usage',
    parameters: (a, r) => ({ product: r.pick(['KRE', 'TC_DESKTOP']), interval: 'hour', ...someDays(a, r, 7) }),
  },
  {
    label: 'session-usage month groupBy=org',
    report: 'session-usage',
    parameters: (a) => ({ product: 'KRE', interval: 'month', groupBy: 'org', ...lastDays(a, 365) }),
  },
  {
    label: 'aut-usage day × 90',
    report: 'aut-usage',
    parameters: (a, r) => ({ product: 'TRUETEST', interval: 'day', ...lastDays(a, 90), ...(r.chance(0.5) ? { orgId: r.pick(a.topOrgIds) } : {}) }),
  },
  // Capacity planning (SPEC §8): each over a year of the account.
  {
    label: 'what-if day × 365',
    report: 'what-if',
    targetP95Ms: CAPACITY_TARGET_P95_MS,
    parameters: (a, r) => ({ product: 'KRE', interval: 'day', ...lastDays(a, 365), quantity: String(r.between(1, 40)), ...maybeOrg(a, r) }),
  },
  {
    label: 'what-if TRUETEST week × 365',
    report: 'what-if',
    targetP95Ms: CAPACITY_TARGET_P95_MS,
    parameters: (a, r) => ({ product: 'TRUETEST', interval: 'week', ...lastDays(a, 365), quantity: String(r.between(1, 20)) }),
  },
  {
    label: 'idle-seats page',
    report: 'idle-seats',
    targetP95Ms: CAPACITY_TARGET_P95_MS,
    parameters: (a, r) => ({ product: 'KSE', page: String(r.between(1, 5)), ...maybeOrg(a, r), ...(r.chance(0.5) ? { minIdleDays: '30' } : {}) }),
  },
  {
    label: 'reclaim-backtest week × 365',
    report: 'reclaim-backtest',
    targetP95Ms: CAPACITY_TARGET_P95_MS,
    parameters: (a, r) => ({ product: 'KSE', interval: 'week', ...lastDays(a, 365), idleDays: String(r.pick([7, 30, 90])), ...maybeOrg(a, r) }),
  },
  {
    label: 'denials day × 365',
    report: 'denials',
    targetP95Ms: CAPACITY_TARGET_P95_MS,
    parameters: (a, r) => ({ product: 'KRE', interval: 'day', ...lastDays(a, 365), ...maybeOrg(a, r) }),
  },
  {
    label: 'forecast month',
    report: 'forecast',
    targetP95Ms: CAPACITY_TARGET_P95_MS,
    parameters: (a, r) => {
      const product = r.pick(['KSE', 'KRE', 'TRUETEST']);
      const metric = product === 'KSE' ? 'assigned' : product === 'KRE' ? 'peakUsage' : 'peakActiveApplications';
      return { product, metric, interval: 'month', to: a.lastDate, ...maybeOrg(a, r) };
    },
  },
  { label: 'licenses', report: 'licenses', parameters: licensesParameters },
  { label: 'licenses, first read after a change', report: 'licenses', uncached: true, parameters: licensesParameters },
];
