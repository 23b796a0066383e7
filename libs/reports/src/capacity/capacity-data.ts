import type { Kysely } from 'kysely';
import {
  ACCOUNT_SCOPE,
  dedicatedByScope,
  lapsedLeaseEnd,
  licenseSourceOf,
  parentsFrom,
  quantityActiveAt,
  withOverrides,
  type ParentOf,
  type PoolChange,
  type PoolOverrides,
  type Product,
  type PurchaseVersion,
  type Scope,
  type UserMove,
} from '../../../domain/src/index.js';
import type { LogPosition } from '../../../event-store/src/event-store.js';
import type { CapacityTables, UnitKind } from '../../../../projections/capacity.tables.js';
import { ms } from '../../../../projections/engine/read-model-db.js';
import { accountTimezone, orgTreeOf, type OrgDirectoryTables, type OrgTree } from '../../../../projections/shared/directory-tables.js';
import type { ReportContext } from '../report-definition.js';

/**
 * What the capacity answers (SPEC §8) read from the `capacity` projection, as the domain's rules take
 * it: the account's zone and tree, the pool history of a product, users' organizations over time,
 * units, denials, seats and activity. Every instant is epoch milliseconds.
 */
export interface CapacityAccount {
  readonly db: Kysely<CapacityTables>;
  readonly position: LogPosition | null;
  readonly accountId: string;
  readonly timezone: string;
  readonly tree: OrgTree;
  readonly parentOf: ParentOf;
}

/** Opens the account in the projection: NOT_FOUND for an unknown account (or another tenant's). */
export async function openCapacityAccount(context: ReportContext, accountId: string): Promise<CapacityAccount> {
  const { db: readModel, position } = await context.projections.reader<CapacityTables>('capacity');
  const db = readModel.kysely;
  const timezone = await accountTimezone(readModel.part<OrgDirectoryTables>(), accountId);
  const orgs = await db.selectFrom('orgs').select(['org_id', 'name', 'parent_org_id']).where('account_id', '=', accountId).execute();
  return {
    db,
    position,
    accountId,
    timezone,
    tree: orgTreeOf(orgs),
    parentOf: parentsFrom(new Map(orgs.map((o) => [o.org_id, o.parent_org_id]))),
  };
}

/** The organizations whose users count for a scope: the org and its descendants; null for the whole account. */
export function scopeOrgs(account: CapacityAccount, orgId: string | null): ReadonlySet<string> | null {
  return orgId === null ? null : account.tree.subtree(orgId);
}

export const inScope = (orgs: ReadonlySet<string> | null, orgId: string | null): boolean => orgs === null || (orgId !== null && orgs.has(orgId));

// ── Pools ────────────────────────────────────────────────────────────────────

/** A product's purchases, amendments and dedications, in log order. */
export class PoolHistory {
  private constructor(
    readonly changes: readonly PoolChange[],
    private readonly parentOf: ParentOf,
  ) {}

  static async load(account: CapacityAccount, product: Product): Promise<PoolHistory> {
    const rows = await account.db
      .selectFrom('capacity_pool_changes')
      .selectAll()
      .where('account_id', '=', account.accountId)
      .where('product', '=', product)
      .orderBy('seq')
      .execute();
    const originals = new Map<string, { startsAt: number; recordedAt: number }>();
    const changes: PoolChange[] = [];
    for (const row of rows) {
      const place = { at: ms(row.at), seq: ms(row.seq) };
      if (row.kind === 'dedicated') {
        changes.push({ kind: 'dedication', ...place, orgId: row.org_id!, quantity: row.quantity });
        continue;
      }
      if (row.kind === 'purchased') originals.set(row.purchase_id!, { startsAt: ms(row.starts_at!), recordedAt: place.at });
      const original = originals.get(row.purchase_id!);
      if (!original) continue;
      const purchase: PurchaseVersion = {
        purchaseId: row.purchase_id!,
        quantity: row.quantity,
        startsAt: original.startsAt,
        expiresAt: ms(row.expires_at!),
        recordedAt: original.recordedAt,
        machineQuota: null,
      };
      changes.push({ kind: 'purchase', ...place, purchase });
    }
    return new PoolHistory(changes, account.parentOf);
  }

  /** The purchases and dedications as they stood after every change with `at` ≤ instant. */
  standingAt(instant: number): { purchases: PurchaseVersion[]; dedications: Map<string, number> } {
    const purchases = new Map<string, PurchaseVersion>();
    const dedications = new Map<string, number>();
    for (const change of this.changes) {
      if (change.at > instant) break;
      if (change.kind === 'purchase') purchases.set(change.purchase.purchaseId, change.purchase);
      else if (change.quantity > 0) dedications.set(change.orgId, change.quantity);
      else dedications.delete(change.orgId);
    }
    return { purchases: [...purchases.values()], dedications };
  }

  /** `dedicated(scope)` at the instant (the purchased quantity for the account), under hypothetical values if given. */
  dedicatedAt(scope: string | null, instant: number, overrides: PoolOverrides = {}): number {
    const { purchases, dedications } = this.standingAt(instant);
    const terms = withOverrides({ purchased: quantityActiveAt(purchases, instant), dedications, parentOf: this.parentOf }, overrides);
    return dedicatedByScope(terms).get(scope ?? ACCOUNT_SCOPE) ?? 0;
  }

  /** The license source of a user of organization `orgId` at the instant. */
  sourceAt(orgId: string, instant: number): Scope {
    return licenseSourceOf(orgId, this.standingAt(instant).dedications, this.parentOf);
  }
}

// ── Users' organizations over time ───────────────────────────────────────────

/** Users' organizations now and their moves: the organization of a user at any instant. */
export class UserOrgs {
  private constructor(
    private readonly current: ReadonlyMap<string, string>,
    private readonly movesOf: ReadonlyMap<string, readonly (UserMove & { readonly fromOrgId: string })[]>,
    readonly moves: readonly UserMove[],
  ) {}

  static async load(account: CapacityAccount): Promise<UserOrgs> {
    const [users, moveRows] = await Promise.all([
      account.db.selectFrom('users').select(['user_id', 'org_id']).where('account_id', '=', account.accountId).execute(),
      account.db.selectFrom('capacity_user_moves').selectAll().where('account_id', '=', account.accountId).orderBy('seq').execute(),
    ]);
    const moves = moveRows.map((row) => ({ userId: row.user_id, orgId: row.org_id, fromOrgId: row.from_org_id, at: ms(row.at), seq: ms(row.seq) }));
    const movesOf = new Map<string, (typeof moves)[number][]>();
    for (const move of moves) movesOf.set(move.userId, [...(movesOf.get(move.userId) ?? []), move]);
    return new UserOrgs(new Map(users.map((u) => [u.user_id, u.org_id])), movesOf, moves);
  }

  /** The user's organization after every event with `at` ≤ instant. */
  orgAt(userId: string, instant: number): string | null {
    for (const move of this.movesOf.get(userId) ?? []) if (move.at > instant) return move.fromOrgId;
    return this.current.get(userId) ?? null;
  }

  /** [start, end) cut where the user moved, each piece with the organization the user was in then. */
  piecesOf(userId: string, start: number, end: number): { readonly start: number; readonly end: number; readonly orgId: string | null }[] {
    const pieces: { start: number; end: number; orgId: string | null }[] = [];
    let from = start;
    for (const move of this.movesOf.get(userId) ?? []) {
      if (move.at <= start || move.at >= end) continue;
      pieces.push({ start: from, end: move.at, orgId: this.orgAt(userId, from) });
      from = move.at;
    }
    pieces.push({ start: from, end, orgId: this.orgAt(userId, from) });
    return pieces;
  }
}

// ── Units and denials ────────────────────────────────────────────────────────

/** A stored unit with its end as the lease rule gives it at now (+∞ while open). */
export interface StoredUnit {
  readonly kind: UnitKind;
  readonly unitId: string;
  readonly userId: string | null;
  readonly orgId: string | null;
  /** Online session (or an application, an offline license): it holds a unit. */
  readonly drawsUnit: boolean;
  readonly start: number;
  readonly startSeq: number;
  readonly end: number;
  /** The revision of the event that recorded its end, if one did (a lapsed lease has none until SessionExpired). */
  readonly endSeq: number | null;
}

/** Units of `product` overlapping [from, to) at now: started before `to` and not over by `from`. */
export async function unitsOverlapping(
  account: CapacityAccount,
  product: Product,
  from: number,
  to: number,
  now: number,
  leaseMs: number,
  options: { readonly kinds?: readonly UnitKind[]; readonly userIds?: readonly string[]; readonly unitIds?: readonly string[] } = {},
): Promise<StoredUnit[]> {
  const rows = await account.db
    .selectFrom('capacity_units')
    .selectAll()
    .where('account_id', '=', account.accountId)
    .where('product', '=', product)
    .where('started_at', '<', to)
    .where((w) => w.or([w('ended_at', 'is', null), w('ended_at', '>', from)]))
    .$if(options.kinds !== undefined, (q) => q.where('kind', 'in', [...options.kinds!]))
    .$if(options.userIds !== undefined, (q) => q.where('user_id', 'in', options.userIds!.length > 0 ? [...options.userIds!] : ['\u0000']))
    .$if(options.unitIds !== undefined, (q) => q.where('unit_id', 'in', options.unitIds!.length > 0 ? [...options.unitIds!] : ['\u0000']))
    .orderBy('started_at')
    .orderBy('start_seq')
    .execute();
  const units: StoredUnit[] = [];
  for (const row of rows) {
    const recorded = row.ended_at === null ? null : ms(row.ended_at);
    const end = recorded ?? (row.kind === 'session' ? lapsedLeaseEnd(ms(row.last_seen), now, leaseMs) : null) ?? Number.POSITIVE_INFINITY;
    if (!(end > from)) continue;
    units.push({
      kind: row.kind,
      unitId: row.unit_id,
      userId: row.user_id,
      orgId: row.org_id,
      drawsUnit: row.draws_unit,
      start: ms(row.started_at),
      startSeq: ms(row.start_seq),
      end,
      endSeq: row.end_seq === null ? null : ms(row.end_seq),
    });
  }
  return units;
}

export interface StoredDenial {
  readonly at: number;
  readonly seq: number;
  /** The session id (TrueTest: the application id) of the attempt. */
  readonly attemptId: string;
  readonly userId: string | null;
  /** The attempting user's organization then; null for an application. */
  readonly orgId: string | null;
}

/** userId (TrueTest: application id) → the instants its sessions (activations) of `product` started in (from, to], ascending. */
export async function startsWithin(
  account: CapacityAccount,
  product: Product,
  holders: readonly string[],
  from: number,
  to: number,
): Promise<Map<string, number[]>> {
  const starts = new Map<string, number[]>();
  if (holders.length === 0) return starts;
  const byApplication = product === 'TRUETEST';
  const rows = await account.db
    .selectFrom('capacity_units')
    .select(['user_id', 'unit_id', 'started_at'])
    .where('account_id', '=', account.accountId)
    .where('product', '=', product)
    .where('kind', '=', byApplication ? 'application' : 'session')
    .where(byApplication ? 'unit_id' : 'user_id', 'in', [...holders])
    .where('started_at', '>', from)
    .where('started_at', '<=', to)
    .orderBy('started_at')
    .execute();
  for (const row of rows) {
    const holder = byApplication ? row.unit_id : row.user_id!;
    starts.set(holder, [...(starts.get(holder) ?? []), ms(row.started_at)]);
  }
  return starts;
}

/** Attempts of `product` denied for capacity with `at` in [from, to), in log order. */
export async function denialsWithin(account: CapacityAccount, product: Product, from: number, to: number): Promise<StoredDenial[]> {
  const rows = await account.db
    .selectFrom('capacity_denials')
    .selectAll()
    .where('account_id', '=', account.accountId)
    .where('product', '=', product)
    .where('at', '>=', from)
    .where('at', '<', to)
    .orderBy('seq')
    .execute();
  return rows.map((r) => ({ at: ms(r.at), seq: ms(r.seq), attemptId: r.attempt_id, userId: r.user_id, orgId: r.org_id }));
}

// ── Seats and activity ───────────────────────────────────────────────────────

export interface StoredTenure {
  readonly userId: string;
  readonly assignedAt: number;
  readonly assignSeq: number;
  readonly unassignedAt: number | null;
  readonly unassignSeq: number | null;
  readonly activatedAt: number | null;
  readonly activateSeq: number | null;
}

/** The seat tenures of `product` that began before `before`. */
export async function tenuresBefore(account: CapacityAccount, product: Product, before: number): Promise<StoredTenure[]> {
  const rows = await account.db
    .selectFrom('capacity_seats')
    .selectAll()
    .where('account_id', '=', account.accountId)
    .where('product', '=', product)
    .where('assigned_at', '<', before)
    .orderBy('assigned_at')
    .orderBy('assign_seq')
    .execute();
  return rows.map((r) => ({
    userId: r.user_id,
    assignedAt: ms(r.assigned_at),
    assignSeq: ms(r.assign_seq),
    unassignedAt: r.unassigned_at === null ? null : ms(r.unassigned_at),
    unassignSeq: r.unassign_seq === null ? null : ms(r.unassign_seq),
    activatedAt: r.activated_at === null ? null : ms(r.activated_at),
    activateSeq: r.activate_seq === null ? null : ms(r.activate_seq),
  }));
}

/** userId → the instants of qualifying activity on `product` before `before`, ascending. */
export async function activityBefore(account: CapacityAccount, product: Product, before: number): Promise<Map<string, number[]>> {
  const rows = await account.db
    .selectFrom('capacity_activity')
    .select(['user_id', 'at'])
    .where('account_id', '=', account.accountId)
    .where('product', '=', product)
    .where('at', '<', before)
    .orderBy('user_id')
    .orderBy('at')
    .execute();
  const byUser = new Map<string, number[]>();
  let user: string | null = null;
  let list: number[] = [];
  for (const row of rows) {
    if (row.user_id !== user) {
      user = row.user_id;
      byUser.set(user, (list = []));
    }
    list.push(ms(row.at));
  }
  return byUser;
}
