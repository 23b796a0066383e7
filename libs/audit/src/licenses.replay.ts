import { DomainError } from '../../domain/src/errors.js';
import { ACCOUNT_SCOPE, type Scope } from '../../domain/src/events.js';
import {
  activePurchases,
  isSessionOpenAt,
  licenseSourceOfUser,
  machineQuota,
  poolFigures,
  purchasedQuantity,
  sourceOfOrg,
} from '../../domain/src/pools.js';
import { modelOf, PRODUCT_CODES, type Product } from '../../domain/src/products.js';
import { productView, type AccountState } from '../../domain/src/state.js';
import type { StoredLedgerEvent } from '../../event-store/src/stored-ledger-event.js';
import type { LicensesOverview, ProductOverview } from '../../contracts/src/index.js';
import type { LicensesRequest } from '../../report-contract/src/licenses-request.js';
import type { OrgTree } from '../../../projections/shared/directory-tables.js';
import { lastPosition, occurredAt, orgTreeOfState, replayAccount } from './replay-account.js';
import type { ReplayContext } from './replayed-report.js';
import { compareText } from './table-order.js';
import { registrationKey } from './checkpoints/audit-fold.js';

/** What the overview reads of an account's replayed events: the domain state after them, machine registration times, and the last event's position. */
export interface FoldedAccount {
  readonly state: AccountState;
  /** `registrationKey(product, machineId)` → when the machine was last registered. */
  readonly registeredAt: ReadonlyMap<string, number>;
  readonly lastPosition: string | null;
}

/**
 * The license overview (SPEC §4.7) replayed: the domain state after every event given, and the pool
 * figures of libs/domain/src/pools.ts at `context.now`. The same body, lists and order as the
 * projected overview (libs/reports/src/licenses/licenses-overview.ts).
 */
export function replayLicensesOverview(events: readonly StoredLedgerEvent[], request: LicensesRequest, context: ReplayContext): LicensesOverview {
  const state = replayAccount(events, request.accountId);
  return licensesOverviewOf({ state, registeredAt: registrationTimes(events), lastPosition: lastPosition(events) }, request, context);
}

/** The license overview of an account folded (from its first event or from a checkpoint, libs/audit/src/checkpoints). */
export function licensesOverviewOf(account: FoldedAccount, request: LicensesRequest, context: ReplayContext): LicensesOverview {
  const { state, registeredAt } = account;
  if (!state.opened) throw new DomainError('NOT_FOUND', `account '${request.accountId}' does not exist`);
  const tree = orgTreeOfState(state);
  const subtree = request.orgId !== undefined ? tree.subtree(request.orgId) : null;
  const purchased = new Set([...state.purchases.values()].map((p) => p.product));
  const products = request.product !== undefined ? [request.product] : PRODUCT_CODES.filter((p) => purchased.has(p));
  const overview = (product: Product) => productOverview(state, tree, product, subtree, request.orgId ?? null, registeredAt, context);
  return {
    accountId: request.accountId,
    asOf: iso(context.now),
    asOfPosition: account.lastPosition,
    timezone: state.timezone,
    orgId: request.orgId ?? null,
    products: products.map(overview),
  };
}

function productOverview(
  state: AccountState,
  tree: OrgTree,
  product: Product,
  subtree: ReadonlySet<string> | null,
  orgId: string | null,
  registeredAt: ReadonlyMap<string, number>,
  { now, leaseMs }: ReplayContext,
): ProductOverview {
  const ps = productView(state, product);
  const active = activePurchases(state, product, now);
  const orgOf = (userId: string) => state.users.get(userId)!.orgId;
  const sourceOf = (userId: string) => licenseSourceOfUser(state, product, userId);
  const inSubtree = (userId: string) => subtree === null || subtree.has(orgOf(userId));
  const scopeName = (scope: Scope) => (scope === ACCOUNT_SCOPE ? 'Account' : tree.name(scope));

  const figures = poolFigures(state, product, now, leaseMs);
  let scopes = [...figures.keys()];
  if (subtree !== null && orgId !== null) {
    const own = sourceOfOrg(state, ps.dedications, orgId);
    scopes = scopes.filter((scope) => scope === own || (scope !== ACCOUNT_SCOPE && subtree.has(scope)));
  }
  const pathOf = (scope: Scope) => (scope === ACCOUNT_SCOPE ? '' : tree.path(scope));
  scopes.sort((a, b) => (a === ACCOUNT_SCOPE ? -1 : b === ACCOUNT_SCOPE ? 1 : pathOf(a).localeCompare(pathOf(b))));

  const seats = [...ps.seats.keys()].sort(compareText);
  const sessions = [...state.sessions.values()]
    .filter((s) => s.product === product && s.licenseType === 'online' && isSessionOpenAt(state, s.sessionId, now, leaseMs))
    .sort((a, b) => compareText(a.machineId, b.machineId) || compareText(a.sessionId, b.sessionId));
  const offline = ps.offlineLicenses
    .map((license, generated) => ({ license, generated }))
    .sort((a, b) => compareText(a.license.machineId, b.license.machineId) || a.generated - b.generated)
    .map(({ license }) => license);
  const machines = [...ps.machines].sort(([a], [b]) => compareText(a, b));

  return {
    product,
    model: modelOf(product),
    purchased: purchasedQuantity(state, product, now),
    machineQuota: machineQuota(state, product, now),
    registeredMachines: ps.machines.size,
    expiresAt: active.length > 0 ? iso(Math.max(...active.map((p) => p.expiresAt))) : null,
    scopes: scopes.map((scope) => {
      const f = figures.get(scope)!;
      return { scope, name: scopeName(scope), dedicated: f.dedicated, pool: f.pool, used: f.used, available: f.available, offline: f.offline };
    }),
    licensedUsers: seats.filter(inSubtree).map((userId) => {
      const user = state.users.get(userId)!;
      const source = sourceOf(userId);
      return { userId, name: user.fullName, email: user.email, licenseSource: source, licenseSourceName: scopeName(source) };
    }),
    onlineLicenses: sessions
      .filter((s) => inSubtree(s.userId))
      .map((s) => ({
        machineId: s.machineId,
        userId: s.userId,
        sessionId: s.sessionId,
        startedAt: iso(s.startedAt),
        lastSeenAt: iso(s.lastSeen),
      })),
    offlineLicenses: offline
      .filter((o) => inSubtree(o.userId))
      .map((o) => ({
        userId: o.userId,
        machineId: o.machineId,
        expiresAt: iso(o.expiresAt),
        unexpired: o.expiresAt > now,
        licenseSource: sourceOf(o.userId),
      })),
    machines: machines
      .filter(([, userId]) => inSubtree(userId))
      .map(([machineId, userId]) => ({
        machineId,
        userId,
        registeredAt: iso(registeredAt.get(registrationKey(product, machineId))!),
      })),
  };
}

/** `registrationKey(product, machineId)` → when the machine was last registered. */
function registrationTimes(events: readonly StoredLedgerEvent[]): Map<string, number> {
  const times = new Map<string, number>();
  for (const e of events) {
    if (e.type === 'MachineRegistered') times.set(registrationKey(e.data.product, e.data.machineId), occurredAt(e));
  }
  return times;
}

const iso = (instant: number) => new Date(instant).toISOString();
