import { sql } from 'kysely';
import { validationError } from '../../../domain/src/errors.js';
import { ACCOUNT_SCOPE, type Scope } from '../../../domain/src/events.js';
import { isProduct, modelOf, PRODUCT_CODES, type Product } from '../../../domain/src/products.js';
import { formatPosition } from '../../../event-store/src/event-store.js';
import type { HoldingTable, LicensesTables } from '../../../../projections/licenses.projection.js';
import { ms, type ReadModelDb } from '../../../../projections/engine/read-model-db.js';
import { accountTimezone, loadOrgTree, type OrgDirectoryTables, type OrgTree } from '../../../../projections/shared/directory-tables.js';
import { isPurchaseActive } from '../../../domain/src/rules/purchases.js';
import type { ReportContext } from '../report-definition.js';
import type { LicensesOverview, ProductOverview } from '../../../contracts/src/index.js';
import type { LicensesRequest } from '../../../report-contract/src/licenses-request.js';

export type { LicensesRequest } from '../../../report-contract/src/licenses-request.js';
export type { LicensesOverview, ProductOverview, ScopeLine } from '../../../contracts/src/index.js';

/**
 * The license overview (SPEC §4.7, body §6), at now. Per product (every product the account ever
 * purchased, or the one asked for): the pool figures of the account and of every org with a
 * dedication, and the lists behind them. The figures follow libs/domain/src/pools.ts exactly:
 *
 * - `dedicated`: purchased quantity (active purchases, as amended) for the account; the dedication for an org.
 * - `pool`: dedicated − the dedications whose parent scope (nearest dedicated proper ancestor, else the account) it is.
 * - `used`: units drawn from the scope — seats, open online sessions of session products (a lapsed
 *   lease holds nothing), unexpired offline licenses, active applications (TrueTest, the account) —
 *   each from its holder's license source as the tree stands now; `offline`: the offline licenses among them.
 * - `available` = pool − used (negative when an expired purchase leaves a scope over-allocated).
 *
 * With `orgId`, scopes are the dedicated orgs of its subtree plus the scope its own users draw from,
 * and the lists hold the users of its subtree only.
 */
export async function buildLicensesOverview(request: LicensesRequest, context: ReportContext): Promise<LicensesOverview> {
  if (request.asOf !== undefined) throw validationError('asOf', 'is answered by replaying events (ReportsService), not by the projected overview');
  if (request.product !== undefined && !isProduct(request.product)) {
    throw validationError('product', `must be one of ${PRODUCT_CODES.join(', ')}, got '${String(request.product)}'`);
  }
  const { db, position, cache } = await context.projections.reader<LicensesTables>('licenses');
  const accountId = request.accountId;
  const [timezone, tree, version] = await Promise.all([
    accountTimezone(db.part<OrgDirectoryTables>(), accountId),
    loadOrgTree(db.part<OrgDirectoryTables>(), accountId),
    holdingVersion(db, accountId),
  ]);
  const subtree = request.orgId !== undefined ? tree.subtree(request.orgId) : null;
  const data = await loadHoldings(db, accountId, request.product, (load) =>
    cache.get(`holdings\u0000${accountId}\u0000${request.product ?? '*'}`, version, load),
  );
  const now = context.now;

  const purchasedProducts = new Set(data.purchases.map((p) => p.product));
  const products = request.product !== undefined ? [request.product] : PRODUCT_CODES.filter((p) => purchasedProducts.has(p));
  return {
    accountId,
    asOf: new Date(now).toISOString(),
    asOfPosition: formatPosition(position),
    timezone,
    orgId: request.orgId ?? null,
    products: products.map((product) => productOverview(product, data, tree, subtree, request.orgId ?? null, now, context.leaseMs)),
  };
}

/** The units held now, each with its holder's organization (and, for seats, name and email). */
interface Holdings extends HeldLists {
  readonly parents: ReadonlyMap<string, string | null>;
  readonly purchases: readonly {
    product: string;
    quantity: number;
    startsAt: number;
    expiresAt: number;
    recordedAt: number;
    machineQuota: number | null;
  }[];
  readonly dedications: readonly { product: string; orgId: string; quantity: number }[];
  readonly sessions: ByProduct<LicensesTables['open_sessions']>;
  readonly applications: number;
}

/** The long lists, per product, each in the order the overview shows it. */
interface HeldLists {
  readonly seats: ByProduct<Packed<typeof SEAT_COLUMNS>>;
  readonly offline: ByProduct<Packed<typeof OFFLINE_COLUMNS>>;
  readonly machines: ByProduct<Packed<typeof MACHINE_COLUMNS>>;
}

const SEAT_COLUMNS = ['product', 'user_id', 'org_id', 'full_name', 'email'] as const;
const OFFLINE_COLUMNS = ['product', 'user_id', 'org_id', 'machine_id', 'generated_at', 'expires_at'] as const;
const MACHINE_COLUMNS = ['product', 'machine_id', 'user_id', 'org_id', 'registered_at'] as const;

type ByProduct<Row> = ReadonlyMap<string, readonly Row[]>;

/** The account's holding version: the long lists stay as kept while it stands. */
async function holdingVersion(db: ReadModelDb<LicensesTables>, accountId: string): Promise<string> {
  const row = await db.kysely.selectFrom('holding_versions').select('version').where('account_id', '=', accountId).executeTakeFirst();
  return String(row?.version ?? 0);
}

/**
 * Reads the account's holdings. Each holding row carries its holder's organization (the projection
 * keeps it), so every list is one index range of one table; lists are sorted here, by code point as
 * the C collation would, since a database sort of 10,000 rows costs more than the read. The long
 * lists (seats, offline licenses, machines: tens of thousands of rows in the biggest accounts) come
 * through `kept`, which keeps them while the account's holding version stands; the rest is small
 * and changes with every heartbeat, and is read each time.
 */
async function loadHoldings(
  db: ReadModelDb<LicensesTables>,
  accountId: string,
  product: Product | undefined,
  kept: (load: () => Promise<HeldLists>) => Promise<HeldLists>,
): Promise<Holdings> {
  const k = db.kysely;
  const ofProduct = product === undefined ? sql`` : sql`AND product = ${product}`;
  const [orgs, purchases, dedications, sessions, applications, lists] = await Promise.all([
    k.selectFrom('orgs').select(['org_id', 'parent_org_id']).where('account_id', '=', accountId).execute(),
    k
      .selectFrom('purchases')
      .selectAll()
      .where('account_id', '=', accountId)
      .$if(product !== undefined, (qb) => qb.where('product', '=', product!))
      .execute(),
    k
      .selectFrom('dedications')
      .selectAll()
      .where('account_id', '=', accountId)
      .$if(product !== undefined, (qb) => qb.where('product', '=', product!))
      .execute(),
    k
      .selectFrom('open_sessions')
      .select(['account_id', 'product', 'session_id', 'user_id', 'org_id', 'machine_id', 'license_type', 'draws_unit', 'started_at', 'last_seen'])
      .where('account_id', '=', accountId)
      .$if(product !== undefined, (qb) => qb.where('product', '=', product!))
      .execute(),
    k
      .selectFrom('active_applications')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('account_id', '=', accountId)
      .executeTakeFirst(),
    kept(async () => {
      const packed = async <const C extends readonly string[]>(table: HoldingTable, columns: C) => {
        const {
          rows: [row],
        } = await sql<{ packed: string | null }>`SELECT ${packedList(columns)} AS packed FROM ${db.table(table)}
          WHERE account_id = ${accountId} ${ofProduct}`.execute(k);
        return unpackList(row?.packed, columns);
      };
      const [seats, offline, machines] = await Promise.all([
        packed('seats', SEAT_COLUMNS),
        packed('offline_licenses', OFFLINE_COLUMNS),
        packed('machines', MACHINE_COLUMNS),
      ]);
      return {
        seats: byProduct(seats, (a, b) => compareText(a.user_id, b.user_id)),
        offline: byProduct(offline, (a, b) => compareText(a.machine_id, b.machine_id) || ms(a.generated_at) - ms(b.generated_at)),
        machines: byProduct(machines, (a, b) => compareText(a.machine_id, b.machine_id)),
      };
    }),
  ]);
  return {
    parents: new Map(orgs.map((o) => [o.org_id, o.parent_org_id])),
    purchases: purchases.map((p) => ({
      product: p.product,
      quantity: p.quantity,
      startsAt: ms(p.starts_at),
      expiresAt: ms(p.expires_at),
      recordedAt: ms(p.recorded_at),
      machineQuota: p.machine_quota,
    })),
    dedications: dedications.map((d) => ({ product: d.product, orgId: d.org_id, quantity: d.quantity })),
    sessions: byProduct(sessions, (a, b) => compareText(a.machine_id, b.machine_id) || compareText(a.session_id, b.session_id)),
    applications: Number(applications?.n ?? 0),
    ...lists,
  };
}

/** A holding row as unpacked: every column as text ('' for null). */
type Packed<C extends readonly string[]> = { [K in C[number]]: string };

/**
 * A long list comes as one text: rows joined by U+001E, columns by U+001F, which no id, name or email
 * contains (the write side rejects control characters). Both stores decode a result field by field,
 * at a cost per field: for the biggest account's whole overview, one field instead of ~95,000 takes
 * the first read from ~150 ms to ~52 ms on the embedded store and from ~88 ms to ~75 ms on PostgreSQL.
 */
function packedList(columns: readonly string[]) {
  return sql<string | null>`string_agg(concat_ws(chr(31), ${sql.join(columns.map((c) => sql`coalesce(${sql.ref(c)}::text, '')`))}), chr(30))`;
}

function unpackList<const C extends readonly string[]>(packed: string | null | undefined, columns: C): Packed<C>[] {
  if (!packed) return [];
  return packed.split('\u001e').map((line) => {
    const fields = line.split('\u001f');
    if (fields.length !== columns.length)
      throw new Error(`a holding row has ${fields.length} fields, not ${columns.length}: ${JSON.stringify(line)}`);
    const row: Record<string, string> = {};
    for (let i = 0; i < columns.length; i++) row[columns[i]!] = fields[i]!;
    return row as Packed<C>;
  });
}

function byProduct<Row extends { product: string }>(rows: readonly Row[], order: (a: Row, b: Row) => number): ByProduct<Row> {
  const lists = new Map<string, Row[]>();
  for (const row of rows) {
    const list = lists.get(row.product);
    if (list) list.push(row);
    else lists.set(row.product, [row]);
  }
  for (const list of lists.values()) list.sort(order);
  return lists;
}

/** Text by code point, as the C collation orders it. */
const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function productOverview(
  product: Product,
  data: Holdings,
  tree: OrgTree,
  subtree: ReadonlySet<string> | null,
  orgId: string | null,
  now: number,
  leaseMs: number,
): ProductOverview {
  const active = data.purchases.filter((p) => p.product === product && isPurchaseActive(p, now));
  const purchased = active.reduce((sum, p) => sum + p.quantity, 0);
  const machineQuota = active.some((p) => p.machineQuota === null) ? null : active.reduce((sum, p) => sum + (p.machineQuota ?? 0), 0);
  const expiresAt = active.length > 0 ? new Date(Math.max(...active.map((p) => p.expiresAt))).toISOString() : null;

  const dedications = new Map<string, number>();
  for (const d of data.dedications) if (d.product === product && d.quantity > 0) dedications.set(d.orgId, d.quantity);
  const sourceCache = new Map<string, Scope>();
  const sourceOfOrg = (start: string | null): Scope => {
    if (start === null) return ACCOUNT_SCOPE;
    let source = sourceCache.get(start);
    if (source === undefined) {
      source = ACCOUNT_SCOPE;
      for (let id: string | null = start; id !== null; id = data.parents.get(id) ?? null) {
        if ((dedications.get(id) ?? 0) > 0) {
          source = id;
          break;
        }
      }
      sourceCache.set(start, source);
    }
    return source;
  };
  const sourceOfUser = (holder: { org_id: string | null }): Scope => sourceOfOrg(holder.org_id || null);
  const inSubtree = (holder: { org_id: string | null }) => subtree === null || subtree.has(holder.org_id ?? '');
  const scopeName = (scope: Scope) => (scope === ACCOUNT_SCOPE ? 'Account' : tree.name(scope));

  const dedicated = new Map<Scope, number>([[ACCOUNT_SCOPE, purchased], ...dedications]);
  const pool = new Map(dedicated);
  for (const [org, quantity] of dedications) {
    const parent = sourceOfOrg(data.parents.get(org) ?? null);
    pool.set(parent, (pool.get(parent) ?? 0) - quantity);
  }
  const used = new Map<Scope, number>();
  const offlineUsed = new Map<Scope, number>();
  const add = (counts: Map<Scope, number>, scope: Scope) => counts.set(scope, (counts.get(scope) ?? 0) + 1);

  const seats = data.seats.get(product) ?? [];
  for (const seat of seats) add(used, sourceOfUser(seat));
  const openSessions = (data.sessions.get(product) ?? []).filter((s) => ms(s.last_seen) + leaseMs > now);
  for (const session of openSessions) if (session.draws_unit) add(used, sourceOfUser(session));
  const offline = data.offline.get(product) ?? [];
  for (const license of offline) {
    if (ms(license.expires_at) <= now) continue;
    add(used, sourceOfUser(license));
    add(offlineUsed, sourceOfUser(license));
  }
  if (product === 'TRUETEST' && data.applications > 0) used.set(ACCOUNT_SCOPE, (used.get(ACCOUNT_SCOPE) ?? 0) + data.applications);

  let scopeIds = [...dedicated.keys()];
  if (subtree !== null && orgId !== null) {
    const own = sourceOfOrg(orgId);
    scopeIds = scopeIds.filter((scope) => scope === own || (scope !== ACCOUNT_SCOPE && subtree.has(scope)));
  }
  const orgOrder = (scope: Scope) => (scope === ACCOUNT_SCOPE ? '' : tree.path(scope));
  scopeIds.sort((a, b) => (a === ACCOUNT_SCOPE ? -1 : b === ACCOUNT_SCOPE ? 1 : orgOrder(a).localeCompare(orgOrder(b))));
  const scopes = scopeIds.map((scope) => {
    const p = pool.get(scope) ?? 0;
    const u = used.get(scope) ?? 0;
    return {
      scope,
      name: scopeName(scope),
      dedicated: dedicated.get(scope) ?? 0,
      pool: p,
      used: u,
      available: p - u,
      offline: offlineUsed.get(scope) ?? 0,
    };
  });

  const machines = data.machines.get(product) ?? [];
  return {
    product,
    model: modelOf(product),
    purchased,
    machineQuota,
    registeredMachines: machines.length,
    expiresAt,
    scopes,
    licensedUsers: seats.filter(inSubtree).map((s) => {
      const source = sourceOfUser(s);
      return { userId: s.user_id, name: s.full_name, email: s.email, licenseSource: source, licenseSourceName: scopeName(source) };
    }),
    onlineLicenses: openSessions
      .filter((s) => s.license_type === 'online' && inSubtree(s))
      .map((s) => ({
        machineId: s.machine_id,
        userId: s.user_id,
        sessionId: s.session_id,
        startedAt: iso(ms(s.started_at)),
        lastSeenAt: iso(ms(s.last_seen)),
      })),
    offlineLicenses: offline.filter(inSubtree).map((o) => {
      const expiresAt = ms(o.expires_at);
      return { userId: o.user_id, machineId: o.machine_id, expiresAt: iso(expiresAt), unexpired: expiresAt > now, licenseSource: sourceOfUser(o) };
    }),
    machines: machines.filter(inSubtree).map((m) => ({ machineId: m.machine_id, userId: m.user_id, registeredAt: iso(ms(m.registered_at)) })),
  };
}

const iso = (instant: number) => new Date(instant).toISOString();
