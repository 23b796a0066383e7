import { purchasedQuantity } from '../../domain/src/pools.js';
import type { Product } from '../../domain/src/products.js';
import { productView, type AccountState } from '../../domain/src/state.js';
import type { LogPosition } from '../../event-store/src/event-store.js';
import type { SeriesBody } from '../../contracts/src/index.js';
import type { ReportRequest } from '../../report-contract/src/report-spec.js';
import { seriesBody, seriesScopeOf, type SeriesGroup, type SeriesScope } from '../../report-contract/src/series-scope.js';
import { AccountReplay, orgTreeOfState, replayAccount } from './replay-account.js';
import type { ReplayContext, ReplayedReport } from './replayed-report.js';

/**
 * `seat-history` (SPEC §4.1) replayed: for each bucket, the domain state after every event up to the
 * bucket's latest record — its last millisecond, or now for the bucket containing now — and the
 * figures read off it: purchased (account: active purchases as amended; org: its dedication),
 * seats held by users whose organization is in the group then, and those of them activated.
 * Zone and organization tree are the account's at now.
 */
export const seatHistoryReplay: ReplayedReport = {
  name: 'seat-history',
  run(events, request: ReportRequest, context: ReplayContext): SeriesBody {
    const scope = seatHistoryScope(replayAccount(events, request.accountId), request, context);
    const replay = new AccountReplay(events);
    return seatHistoryBody(scope, request, context, (instant) => replay.through(instant), events.at(-1)?.position ?? null);
  },
};

/** The buckets and groups of a seat-history request, by the account as it stands at now (`atNow`). */
export function seatHistoryScope(atNow: AccountState, request: ReportRequest, context: ReplayContext): SeriesScope {
  return seriesScopeOf(request, atNow.timezone, orgTreeOfState(atNow), context.now);
}

/** The instant each bucket reads the state at: its last millisecond, or now for the bucket containing now. */
export const seatHistoryInstants = (scope: SeriesScope, now: number): number[] => scope.buckets.map((bucket) => Math.min(bucket.end - 1, now));

/**
 * The body of `scope`: the figures of the state `through(instant)` gives at each bucket's instant
 * (asked in ascending order), answered at `position` (the last event folded).
 */
export function seatHistoryBody(
  scope: SeriesScope,
  request: ReportRequest,
  context: ReplayContext,
  through: (instant: number) => AccountState,
  position: LogPosition | null,
): SeriesBody {
  const product = scope.product as Product;
  const members = new Map(scope.groups.map((g) => [g.key, g.orgs === null ? null : new Set(g.orgs)]));
  const figures = seatHistoryInstants(scope, context.now).map((instant) => {
    const state = through(instant);
    return new Map(scope.groups.map((g) => [g.key, seatFigures(state, product, g, members.get(g.key)!, instant)]));
  });
  return seriesBody('seat-history', request, scope, position, (group, i) => figures[i]!.get(group.key)!);
}

function seatFigures(
  state: AccountState,
  product: Product,
  group: SeriesGroup,
  orgs: ReadonlySet<string> | null,
  instant: number,
): { purchased: number; assigned: number; activated: number } {
  const purchased =
    group.rootOrgId === null ? purchasedQuantity(state, product, instant) : (productView(state, product).dedications.get(group.rootOrgId) ?? 0);
  let assigned = 0;
  let activated = 0;
  for (const [userId, seat] of productView(state, product).seats) {
    if (orgs !== null && !orgs.has(state.users.get(userId)!.orgId)) continue;
    assigned += 1;
    if (seat.activated) activated += 1;
  }
  return { purchased, assigned, activated };
}
