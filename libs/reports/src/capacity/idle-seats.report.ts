import {
  ACCOUNT_SCOPE,
  DomainError,
  idleDays,
  localDate,
  parseInstant,
  SEAT_PRODUCTS,
  validationError,
  type Product,
} from '../../../domain/src/index.js';
import { formatPosition } from '../../../event-store/src/event-store.js';
import type { ReportContext, ReportDefinition, ReportRequest } from '../report-definition.js';
import { ACCOUNT_SOURCE_NAME, licenseSources } from '../../../report-contract/src/license-sources.js';
import { requireProduct } from '../../../report-contract/src/series-scope.js';
import { inScope, openCapacityAccount, PoolHistory, scopeOrgs, UserOrgs, type CapacityAccount } from './capacity-data.js';
import type { IdleSeatRow, IdleSeatsBody } from './bodies.js';
import { ms } from '../../../../projections/engine/read-model-db.js';
import { sql } from 'kysely';

export const IDLE_SEAT_COLUMNS = [
  'userId',
  'user',
  'email',
  'organization',
  'licenseSource',
  'assignedAt',
  'activated',
  'lastActiveUse',
  'idleDays',
] as const;

/** Default order: the longest idle first (SPEC §8.2); ties, and every other order's ties, by userId. */
export const DEFAULT_IDLE_SEATS_SORT = '-idleDays';

/**
 * `idle-seats` (SPEC §8.2): every seat current at now (or `asOf`), with the holder's last active use
 * (the latest qualifying activity for the product, over all time up to that instant) and the local
 * calendar days since the later of the assignment and that use. Filters as §4.2 (`orgId`,
 * `licenseSource`, `q`) and `minIdleDays`; sort, paging.
 */
export const idleSeatsReport: ReportDefinition = {
  name: 'idle-seats',
  shape: 'table',
  products: SEAT_PRODUCTS,
  columns: IDLE_SEAT_COLUMNS,
  parameters: ['orgId', 'licenseSource', 'q', 'minIdleDays', 'sort', 'page', 'pageSize', 'asOf'],
  answersAsOf: true,
  run: (request, context) => idleSeats(request, context),
};

export interface IdleSeat extends IdleSeatRow {
  readonly orgId: string;
  readonly sourceId: string;
  readonly assignSeq: number;
  readonly activity: { readonly at: number; readonly seq: number } | null;
}

/** The seats current at `at` with their idle days, unfiltered and unsorted. */
export async function idleSeatsAt(account: CapacityAccount, product: Product, at: number): Promise<IdleSeat[]> {
  const [seats, lastUses, userOrgs, history, users] = await Promise.all([
    account.db
      .selectFrom('capacity_seats')
      .selectAll()
      .where('account_id', '=', account.accountId)
      .where('product', '=', product)
      .where('assigned_at', '<=', at)
      .where((w) => w.or([w('unassigned_at', 'is', null), w('unassigned_at', '>', at)]))
      .execute(),
    // The latest use of each user up to the instant, with the revision of its first event then.
    account.db
      .selectFrom('capacity_activity')
      .select(['user_id', (eb) => eb.fn.max('at').as('at')])
      .where('account_id', '=', account.accountId)
      .where('product', '=', product)
      .where('at', '<=', at)
      .groupBy('user_id')
      .execute(),
    UserOrgs.load(account),
    PoolHistory.load(account, product),
    account.db.selectFrom('users').select(['user_id', 'full_name', 'email']).where('account_id', '=', account.accountId).execute(),
  ]);
  const lastUse = new Map(lastUses.map((r) => [r.user_id, ms(r.at)]));
  const people = new Map(users.map((u) => [u.user_id, u]));
  const seqs = await activitySeqs(account, product, lastUse);
  return seats.map((seat) => {
    const orgId = userOrgs.orgAt(seat.user_id, at) ?? '';
    const sourceId = history.sourceAt(orgId, at);
    const last = lastUse.get(seat.user_id) ?? null;
    const assignedAt = ms(seat.assigned_at);
    const person = people.get(seat.user_id);
    return {
      userId: seat.user_id,
      user: person?.full_name ?? '',
      email: person?.email ?? '',
      organization: orgId === '' ? '' : account.tree.path(orgId),
      licenseSource: sourceId === ACCOUNT_SCOPE ? ACCOUNT_SOURCE_NAME : account.tree.name(sourceId),
      assignedAt: new Date(assignedAt).toISOString(),
      activated: seat.activated_at !== null && ms(seat.activated_at) <= at,
      lastActiveUse: last === null ? null : new Date(last).toISOString(),
      idleDays: idleDays(assignedAt, last, at, account.timezone),
      orgId,
      sourceId,
      assignSeq: ms(seat.assign_seq),
      activity: last === null ? null : { at: last, seq: seqs.get(seat.user_id) ?? 0 },
    };
  });
}

/** The revision of each user's latest qualifying use (to name its event). */
async function activitySeqs(account: CapacityAccount, product: Product, lastUse: ReadonlyMap<string, number>): Promise<Map<string, number>> {
  const seqs = new Map<string, number>();
  const users = [...lastUse.keys()];
  for (let i = 0; i < users.length; i += 5000) {
    const chunk = users.slice(i, i + 5000);
    const k = sql<{ user_id: string; at: string }>`unnest(${chunk}::text[], ${chunk.map((u) => String(lastUse.get(u)))}::bigint[])`.as<'k'>(
      sql`k(user_id, at)`,
    );
    const rows = await account.db
      .selectFrom('capacity_activity as a')
      .innerJoin(k, (j) => j.onRef('k.user_id', '=', 'a.user_id').onRef('k.at', '=', 'a.at'))
      .select(['a.user_id', 'a.seq'])
      .where('a.account_id', '=', account.accountId)
      .where('a.product', '=', product)
      .execute();
    for (const row of rows) seqs.set(row.user_id, ms(row.seq));
  }
  return seqs;
}

async function idleSeats(request: ReportRequest, context: ReportContext): Promise<IdleSeatsBody> {
  const product = requireProduct(request);
  const sort = parseIdleSort(request.sort);
  const at = asOfInstant(request, context.now);
  const account = await openCapacityAccount(context, request.accountId);
  const orgs = scopeOrgs(account, request.orgId ?? null);
  const sources = request.licenseSource !== undefined ? new Set(licenseSources(request.licenseSource, account.tree)) : null;
  const q = request.q?.toLowerCase();
  const rows = (await idleSeatsAt(account, product, at)).filter(
    (row) =>
      inScope(orgs, row.orgId) &&
      (sources === null || sources.has(row.sourceId)) &&
      (q === undefined || row.user.toLowerCase().includes(q) || row.email.toLowerCase().includes(q)) &&
      (request.minIdleDays === undefined || row.idleDays >= request.minIdleDays),
  );
  rows.sort(compareRows(sort));
  const all = request.allRows === true;
  const pageSize = all ? Math.max(rows.length, 1) : request.pageSize;
  const page = all ? 1 : request.page;
  const slice = all ? rows : rows.slice((page - 1) * pageSize, page * pageSize);
  return {
    report: 'idle-seats',
    accountId: request.accountId,
    product,
    total: rows.length,
    page,
    pageSize,
    asOfPosition: formatPosition(account.position),
    timezone: account.timezone,
    asOf: new Date(at).toISOString(),
    today: localDate(at, account.timezone),
    rows: slice.map((r) => ({
      userId: r.userId,
      user: r.user,
      email: r.email,
      organization: r.organization,
      licenseSource: r.licenseSource,
      assignedAt: r.assignedAt,
      activated: r.activated,
      lastActiveUse: r.lastActiveUse,
      idleDays: r.idleDays,
    })),
  };
}

/** `asOf` (not after now), else now. */
function asOfInstant(request: ReportRequest, now: number): number {
  if (request.asOf === undefined) return now;
  const at = parseInstant(request.asOf)!;
  if (at > now) throw validationError('asOf', `must not be after now (${new Date(now).toISOString()}), got ${request.asOf}`);
  return at;
}

type SortKey = (typeof IDLE_SEAT_COLUMNS)[number];

function parseIdleSort(sort: string | undefined): { column: SortKey; descending: boolean } {
  const text = sort ?? DEFAULT_IDLE_SEATS_SORT;
  const descending = text.startsWith('-');
  const name = descending ? text.slice(1) : text;
  const column = IDLE_SEAT_COLUMNS.find((c) => c === name);
  if (column === undefined) {
    throw new DomainError('VALIDATION_FAILED', `sort: must be one of ${IDLE_SEAT_COLUMNS.join(', ')}, optionally prefixed with '-' (descending)`, [
      { path: 'sort', message: `must be one of ${IDLE_SEAT_COLUMNS.join(', ')}, optionally prefixed with '-'` },
    ]);
  }
  return { column, descending };
}

/** By the column (nulls last either way), then userId; text by code point, as the other tables sort. */
function compareRows(sort: { column: SortKey; descending: boolean }): (a: IdleSeatRow, b: IdleSeatRow) => number {
  const byUser = (a: IdleSeatRow, b: IdleSeatRow) => compare(a.userId, b.userId);
  return (a, b) => {
    const x = a[sort.column];
    const y = b[sort.column];
    if (x === null || y === null) return x === y ? byUser(a, b) : x === null ? 1 : -1;
    const order = compare(x, y);
    return (sort.descending ? -order : order) || byUser(a, b);
  };
}

function compare(a: string | number | boolean, b: string | number | boolean): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
