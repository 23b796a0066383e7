import { countedDenials, unmetAfter, type Product } from '../../../domain/src/index.js';
import { formatPosition } from '../../../event-store/src/event-store.js';
import type { ReportContext, ReportDefinition, ReportRequest } from '../report-definition.js';
import { planSeries, seriesQuery, type SeriesPlan } from '../sessions/series.js';
import { denialsWithin, inScope, openCapacityAccount, scopeOrgs, startsWithin, type CapacityAccount, type StoredDenial } from './capacity-data.js';
import { refuseGroupBy, type DenialsBody } from './bodies.js';
import { WHAT_IF_PRODUCTS } from './what-if.report.js';

/** `retryWindow` when none is given (SPEC §8.3). */
export const DEFAULT_RETRY_WINDOW_SECONDS = 600;

/** Every denial of the account before the window's end: retries fold into counted denials made before `from`. */
const SINCE_EVER = Number.MIN_SAFE_INTEGER;

/**
 * `denials` (SPEC §8.3): denied attempts as demand. Per bucket: `attempts` (§4.5's `denied`),
 * `uniqueUsers`, `trueDenials` (attempts not folded into the same user's previous counted denial
 * within `retryWindow`) and `unmetUsers` (users whose last denial in the bucket no session of theirs
 * followed within `retryWindow`). TrueTest counts per application.
 */
export const denialsReport: ReportDefinition = {
  name: 'denials',
  shape: 'series',
  products: WHAT_IF_PRODUCTS,
  columns: ['attempts', 'uniqueUsers', 'trueDenials', 'unmetUsers'],
  parameters: ['orgId', 'from', 'to', 'interval', 'retryWindow'],
  run: async (request, context) => denialsBody(await computeDenials(request, context)),
};

/** One denied attempt of the scope in the window: whom it counts for, and whether it is a counted denial. */
export interface AttemptEntry {
  readonly denial: StoredDenial;
  /** The user (TrueTest: the application). */
  readonly holder: string;
  readonly counted: boolean;
  /** The counted denial it is folded into (itself when counted). */
  readonly countedInto: StoredDenial;
}

export interface DenialsComputation {
  readonly request: ReportRequest;
  readonly account: CapacityAccount;
  readonly product: Product;
  readonly orgId: string | null;
  readonly plan: SeriesPlan;
  readonly retryWindowMs: number;
  readonly attempts: readonly AttemptEntry[];
  /** holder → the starts of its accepted sessions (activations) that may meet a denial of the window. */
  readonly starts: ReadonlyMap<string, readonly number[]>;
}

export async function computeDenials(request: ReportRequest, context: ReportContext): Promise<DenialsComputation> {
  refuseGroupBy(request, 'denials');
  const query = seriesQuery(request, WHAT_IF_PRODUCTS, 'denials');
  const account = await openCapacityAccount(context, query.accountId);
  const orgId = request.orgId ?? null;
  const orgs = scopeOrgs(account, orgId);
  const plan = planSeries(query, account.timezone, context.now);
  const retryWindowMs = (request.retryWindow ?? DEFAULT_RETRY_WINDOW_SECONDS) * 1000;
  const { start, end } = plan.window;

  const all = await denialsWithin(account, query.product, SINCE_EVER, end);
  const holderOf = (d: StoredDenial) => d.userId ?? d.attemptId;
  const counted = countedDenials(
    all.map((d) => ({ key: holderOf(d), at: d.at })),
    retryWindowMs,
  );
  const lastCounted = new Map<string, StoredDenial>();
  const attempts: AttemptEntry[] = [];
  all.forEach((denial, i) => {
    const holder = holderOf(denial);
    if (counted[i]) lastCounted.set(holder, denial);
    if (denial.at < start || !inScope(orgs, denial.orgId)) return;
    attempts.push({ denial, holder, counted: counted[i]!, countedInto: lastCounted.get(holder)! });
  });
  const starts = await startsWithin(account, query.product, [...new Set(attempts.map((a) => a.holder))], start, end + retryWindowMs);
  return { request, account, product: query.product, orgId, plan, retryWindowMs, attempts, starts };
}

/** The attempts of bucket `index`. */
export function attemptsIn(c: DenialsComputation, index: number): AttemptEntry[] {
  const bucket = c.plan.buckets[index]!;
  return c.attempts.filter((a) => a.denial.at >= bucket.start && a.denial.at < bucket.end);
}

/** Holders of the bucket whose last denial there went unmet, with that denial. */
export function unmetIn(c: DenialsComputation, index: number): AttemptEntry[] {
  const last = new Map<string, AttemptEntry>();
  for (const a of attemptsIn(c, index)) last.set(a.holder, a);
  return [...last.values()].filter((a) => unmetAfter(a.denial.at, c.starts.get(a.holder) ?? [], c.retryWindowMs));
}

/** `uniqueUsers`: the users (TrueTest: applications) of the attempts, each with its attempts in log order. */
export function holdersOf(attempts: readonly AttemptEntry[]): Map<string, AttemptEntry[]> {
  const holders = new Map<string, AttemptEntry[]>();
  for (const a of attempts) holders.set(a.holder, [...(holders.get(a.holder) ?? []), a]);
  return holders;
}

export function denialsBody(c: DenialsComputation): DenialsBody {
  return {
    report: 'denials',
    accountId: c.account.accountId,
    product: c.product,
    orgId: c.orgId,
    interval: c.request.interval ?? 'day',
    timezone: c.account.timezone,
    from: c.request.from!,
    to: c.request.to!,
    asOfPosition: formatPosition(c.account.position),
    retryWindow: c.retryWindowMs / 1000,
    buckets: c.plan.buckets.map((bucket, i) => {
      const attempts = attemptsIn(c, i);
      return {
        start: bucket.startIso,
        end: bucket.endIso,
        attempts: attempts.length,
        uniqueUsers: holdersOf(attempts).size,
        trueDenials: attempts.filter((a) => a.counted).length,
        unmetUsers: unmetIn(c, i).length,
      };
    }),
  };
}
