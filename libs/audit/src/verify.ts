import type { ActivityActions } from '../../domain/src/activity-rules.js';
import { DomainError } from '../../domain/src/errors.js';
import type { Product } from '../../domain/src/products.js';
import { localDate } from '../../domain/src/time/index.js';
import { comparePositions, parsePosition, type LogPosition } from '../../event-store/src/event-store.js';
import type { StoredLedgerEvent } from '../../event-store/src/stored-ledger-event.js';
import type { ReportSpec } from '../../report-contract/src/report-spec.js';
import { parametersOf, parseReportRequest } from '../../report-contract/src/report-request.js';
import { cutHistory } from '../../event-store/src/account-events.js';
import { bodyDifferences } from './body-diff.js';
import { REPLAYED_REPORTS } from './catalog.js';
import { replayLicensesOverview } from './licenses.replay.js';
import { replayAccount, occurredAt } from './replay-account.js';
import type { ReplayContext, ReplayedReport } from './replayed-report.js';

/**
 * `ledger verify` (SPEC §5): every report of an account, as projected, against the same report
 * recomputed from the account's raw events in memory.
 *
 * Each check is run projected first; its events are then cut at the body's `asOfPosition` (a
 * projection still catching up is not drift) and replayed with the same request and the same now.
 */

/** How the projected reports are reached (the QueryBus in the CLI). */
export interface ProjectedReports {
  /** A report of the catalog (`ledger report NAME`). */
  report(name: string, parameters: Readonly<Record<string, string>>, options: { allRows?: boolean }): Promise<unknown>;
  /** The license overview (`ledger licenses`). */
  licenses(parameters: Readonly<Record<string, string>>): Promise<unknown>;
}

/** One request of a check: raw parameters, as `ledger report` takes them. */
export interface CheckRequest {
  /** How a difference is introduced, e.g. `seat-usage KSE day`. */
  readonly label: string;
  readonly parameters: Readonly<Record<string, string>>;
  readonly allRows?: boolean;
  /** Buckets are named by their start shown so (e.g. the local date). */
  readonly bucketLabel?: (start: string) => string;
}

/** What the checks know of the account: its products in use and its whole history window. */
export interface AccountHistory {
  readonly accountId: string;
  readonly products: ReadonlySet<Product>;
  /** Local dates (account zone) of the first event and of now. */
  readonly from: string;
  readonly to: string;
}

/** A report verify compares: which requests, and how each is run projected and replayed. */
export interface ReportCheck {
  readonly name: string;
  requests(account: AccountHistory): CheckRequest[];
  projected(reports: ProjectedReports, request: CheckRequest): Promise<unknown>;
  replayed(events: readonly StoredLedgerEvent[], request: CheckRequest, context: ReplayContext): unknown;
}

export interface Difference {
  readonly report: string;
  readonly request: string;
  readonly text: string;
}

export interface VerifyResult {
  readonly accountId: string;
  /** Report bodies compared. */
  readonly compared: number;
  readonly differences: readonly Difference[];
}

export interface VerifyOptions {
  readonly now: number;
  readonly leaseMs: number;
  /** `ACTIVITY_ACTIONS`, as the projections were built with (null: every action counts). */
  readonly activityActions?: ActivityActions;
  /** What is compared (`verifyChecks` of the reports' catalog). */
  readonly checks: readonly ReportCheck[];
  /**
   * The account's events read again, with the head of the log they cover. A projected body can be
   * ahead of the events given (appended while verify runs): they are read again rather than reported
   * as drift.
   */
  readonly reread?: () => Promise<AccountEvents>;
  /** The head of the log when `events` were read (every event of the account up to it is among them). */
  readonly covered?: LogPosition | null;
  /** Called before each comparison (k from 1 of n). */
  readonly progress?: (k: number, n: number, label: string) => void;
}

const SERIES_INTERVALS = ['day', 'month'] as const;

/**
 * A report of the catalog with its replayed twin: series over the account's whole history by day and
 * by month, with groupBy=org where the report takes it; tables with every row.
 */
export function catalogCheck(replayed: ReplayedReport, definition: ReportSpec): ReportCheck {
  const takesGroupBy = parametersOf(definition).includes('groupBy');
  return {
    name: definition.name,
    requests(account) {
      const requests: CheckRequest[] = [];
      for (const product of definition.products.filter((p) => account.products.has(p))) {
        const base = { accountId: account.accountId, product };
        if (definition.shape === 'table') {
          requests.push({ label: `${definition.name} ${product}`, parameters: base, allRows: true });
          continue;
        }
        for (const interval of SERIES_INTERVALS) {
          const parameters = { ...base, from: account.from, to: account.to, interval };
          const bucketLabel = (start: string) => start.slice(0, interval === 'month' ? 7 : 10);
          const label = `${definition.name} ${product} ${interval}`;
          requests.push({ label, parameters, bucketLabel });
          if (takesGroupBy) requests.push({ label: `${label} groupBy=org`, parameters: { ...parameters, groupBy: 'org' }, bucketLabel });
        }
      }
      return requests;
    },
    projected: (reports, request) => reports.report(definition.name, request.parameters, { allRows: request.allRows }),
    replayed(events, request, context) {
      const parsed = parseReportRequest(request.parameters, definition);
      return replayed.run(events, request.allRows ? { ...parsed, allRows: true } : parsed, context);
    },
  };
}

/** The license overview (SPEC §4.7) now: every product, whole account. */
export const licensesCheck: ReportCheck = {
  name: 'licenses',
  requests: (account) => [{ label: 'licenses', parameters: { accountId: account.accountId } }],
  projected: (reports, request) => reports.licenses(request.parameters),
  replayed: (events, request, context) => replayLicensesOverview(events, { accountId: request.parameters.accountId! }, context),
};

/** Every check verify runs: the reports of `catalog` (the projected reports' catalog) with a replayed twin, and the license overview. */
export function verifyChecks(catalog: readonly ReportSpec[]): ReportCheck[] {
  return [
    ...REPLAYED_REPORTS.map((replayed) => {
      const definition = catalog.find((r) => r.name === replayed.name);
      if (!definition) throw new Error(`the replayed report ${replayed.name} is not in the catalog of reports`);
      return catalogCheck(replayed, definition);
    }),
    licensesCheck,
  ];
}

/** The account's products in use and history window; NOT_FOUND for an account with no history. */
export function accountHistory(accountId: string, events: readonly StoredLedgerEvent[], now: number): AccountHistory {
  if (events.length === 0) throw new DomainError('NOT_FOUND', `account '${accountId}' does not exist`);
  const zone = replayAccount(events, accountId).timezone;
  const products = new Set<Product>();
  for (const e of events) {
    if ('product' in e.data) products.add(e.data.product);
  }
  const from = localDate(occurredAt(events[0]!), zone);
  const today = localDate(now, zone);
  return { accountId, products, from, to: today < from ? from : today };
}

/** Compares every check's bodies for the account whose whole stream is `events`. */
export interface AccountEvents {
  readonly events: readonly StoredLedgerEvent[];
  readonly covered: LogPosition | null;
}

export async function verifyAccount(
  accountId: string,
  events: readonly StoredLedgerEvent[],
  projected: ProjectedReports,
  options: VerifyOptions,
): Promise<VerifyResult> {
  let covered = options.covered ?? null;
  const account = accountHistory(accountId, events, options.now);
  const context: ReplayContext = { now: options.now, leaseMs: options.leaseMs, activityActions: options.activityActions ?? null };
  const planned = options.checks.flatMap((check) => check.requests(account).map((request) => ({ check, request })));
  const differences: Difference[] = [];
  // One cut per position: the replays of a cut share its folded state.
  const cuts = new Map<string, readonly StoredLedgerEvent[]>();
  for (const [k, { check, request }] of planned.entries()) {
    options.progress?.(k + 1, planned.length, request.label);
    let body: unknown;
    try {
      body = await check.projected(projected, request);
    } catch (error) {
      // E.g. a projection that has not reached the account's first event yet: nothing to compare with.
      if (!(error instanceof DomainError)) throw error;
      differences.push({ report: check.name, request: request.label, text: `projected report fails: ${error.code}: ${error.message}` });
      continue;
    }
    const position = (body as { asOfPosition?: string | null }).asOfPosition;
    if (options.reread && typeof position === 'string' && comparePositions(parsePosition(position), covered) > 0) {
      ({ events, covered } = await options.reread());
      cuts.clear();
    }
    const key = position === undefined ? 'all' : (position ?? 'none');
    let seen = cuts.get(key);
    if (!seen) {
      seen = position === undefined ? events : position === null ? [] : cutHistory(events, { upTo: parsePosition(position) });
      cuts.set(key, seen);
    }
    const replayed = check.replayed(seen, request, context);
    for (const text of bodyDifferences(body, replayed, { ignore: ['asOfPosition'], bucketLabel: request.bucketLabel })) {
      differences.push({ report: check.name, request: request.label, text });
    }
  }
  return { accountId, compared: planned.length, differences };
}

/** The result as text: one line per difference, then a summary line. */
export function formatVerifyResult(result: VerifyResult): string {
  const lines = result.differences.map((d) => `${d.request} ${d.text}`);
  const drift = result.differences.length;
  lines.push(
    drift === 0
      ? `verify ${result.accountId}: ${result.compared} report bodies compared, no drift`
      : `verify ${result.accountId}: ${result.compared} report bodies compared, ${drift} difference${drift === 1 ? '' : 's'}`,
  );
  return `${lines.join('\n')}\n`;
}
