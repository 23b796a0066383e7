import { isActiveUseEvent, type ActivityActions } from '../../domain/src/activity-rules.js';
import { licenseSourceOfUser } from '../../domain/src/pools.js';
import { ACCOUNT_SCOPE } from '../../domain/src/events.js';
import type { Product } from '../../domain/src/products.js';
import { productView, type AccountState } from '../../domain/src/state.js';
import type { StoredLedgerEvent } from '../../event-store/src/stored-ledger-event.js';
import type { TableBody } from '../../contracts/src/index.js';
import type { ReportRequest } from '../../report-contract/src/report-spec.js';
import { parseSort } from '../../report-contract/src/assignments-sort.js';
import { ACCOUNT_SOURCE_NAME, licenseSources } from '../../report-contract/src/license-sources.js';
import { requireProduct } from '../../report-contract/src/series-scope.js';
import { lastPosition, occurredAt, orgTreeOfState, replayAccount } from './replay-account.js';
import type { ReplayedReport } from './replayed-report.js';
import { compareText, pageOf } from './table-order.js';

/** Events that count as active use of a product (SPEC §4.3). */

interface Row {
  readonly userId: string;
  readonly user: string;
  readonly email: string;
  readonly licenseSource: string;
  readonly organization: string;
  readonly projects: string[];
  readonly lastAssignment: number;
  readonly lastActiveUse: number | null;
  readonly activated: boolean;
}

/**
 * `assignments` (SPEC §4.2) replayed: the seats of the domain state after every event given, their
 * holders, license sources (domain pool rules, as the tree stands), organization paths and projects,
 * and the latest use of the product among the events. Same filters, sort and paging as the projected
 * report (libs/reports/src/seat/assignments.report.ts).
 */
export const assignmentsReplay: ReplayedReport = {
  name: 'assignments',
  run(events, request: ReportRequest, { activityActions = null }): TableBody {
    const product = requireProduct(request) as Product;
    const sort = parseSort(request.sort);
    const state = replayAccount(events, request.accountId);
    const tree = orgTreeOfState(state);
    const subtree = request.orgId !== undefined ? tree.subtree(request.orgId) : null;
    const sources = request.licenseSource !== undefined ? licenseSources(request.licenseSource, tree) : null;
    const q = request.q?.toLowerCase();
    const lastUse = lastUseOf(events, product, activityActions);
    const projects = projectNames(state);

    const rows: Row[] = [];
    for (const [userId, seat] of productView(state, product).seats) {
      const user = state.users.get(userId)!;
      const source = licenseSourceOfUser(state, product, userId);
      if (subtree !== null && !subtree.has(user.orgId)) continue;
      if (sources !== null && !sources.includes(source)) continue;
      if (q !== undefined && !user.fullName.toLowerCase().includes(q) && !user.email.toLowerCase().includes(q)) continue;
      rows.push({
        userId,
        user: user.fullName,
        email: user.email,
        licenseSource: source === ACCOUNT_SCOPE ? ACCOUNT_SOURCE_NAME : tree.name(source),
        organization: tree.path(user.orgId),
        projects: projects.get(userId) ?? [],
        lastAssignment: seat.assignedAt,
        lastActiveUse: lastUse.get(userId) ?? null,
        activated: seat.activated,
      });
    }
    const column = sort.column as keyof Row;
    rows.sort((a, b) => {
      const x = a[column];
      const y = b[column];
      if (x !== y) {
        if (x === null) return 1;
        if (y === null) return -1;
        const order = typeof x === 'string' ? compareText(x, y as string) : Number(x) - Number(y);
        if (order !== 0) return sort.descending ? -order : order;
      }
      return compareText(a.userId, b.userId);
    });
    const { page, pageSize, slice } = pageOf(rows, request);
    return {
      report: 'assignments',
      accountId: request.accountId,
      product,
      total: rows.length,
      page,
      pageSize,
      asOfPosition: lastPosition(events),
      timezone: state.timezone,
      rows: slice.map((r) => ({
        ...r,
        lastAssignment: iso(r.lastAssignment),
        lastActiveUse: r.lastActiveUse === null ? null : iso(r.lastActiveUse),
      })),
    };
  },
};

/** userId → the latest use of `product` among the events. */
function lastUseOf(events: readonly StoredLedgerEvent[], product: Product, activityActions: ActivityActions): Map<string, number> {
  const last = new Map<string, number>();
  for (const e of events) {
    if (!isActiveUseEvent(e, activityActions) || e.data.product !== product) continue;
    const userId = e.data.userId;
    last.set(userId, Math.max(last.get(userId) ?? Number.NEGATIVE_INFINITY, occurredAt(e)));
  }
  return last;
}

/** userId → names of the user's projects, sorted (ties by project id). */
function projectNames(state: AccountState): Map<string, string[]> {
  const names = new Map<string, string[]>();
  const projects = [...state.projects.values()].sort((a, b) => compareText(a.name, b.name) || compareText(a.projectId, b.projectId));
  for (const project of projects) {
    for (const userId of project.members) names.set(userId, [...(names.get(userId) ?? []), project.name]);
  }
  return names;
}

const iso = (instant: number) => new Date(instant).toISOString();
