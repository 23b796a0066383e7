import { sql, type RawBuilder } from 'kysely';
import { validationError } from '../../../domain/src/errors.js';
import { ACCOUNT_SCOPE } from '../../../domain/src/events.js';
import { PRODUCT_CODES, modelOf, type Product } from '../../../domain/src/products.js';
import { reportWindow } from '../../../domain/src/time/index.js';
import { formatPosition } from '../../../event-store/src/event-store.js';
import type { SessionsTables } from '../../../../projections/sessions.tables.js';
import { accountTimezone, loadOrgTree, type OrgDirectoryTables, type OrgTree } from '../../../../projections/shared/directory-tables.js';
import { PoolHistory, type PoolHistoryTables } from '../../../../projections/shared/pool-history.js';
import { ms, msOrNull } from '../../../../projections/engine/read-model-db.js';
import type { SessionStatus, TableBodyOf } from '../../../contracts/src/index.js';
import type { ReportContext, ReportDefinition, ReportRequest } from '../report-definition.js';
import { containsPattern } from '../../../report-contract/src/report-request.js';

/** Seat and session products: every product with sessions. */
export const SESSION_TABLE_PRODUCTS: readonly Product[] = PRODUCT_CODES.filter((p) => modelOf(p) !== 'aut');

export const SESSION_COLUMNS = [
  'sessionId',
  'userId',
  'user',
  'email',
  'machineId',
  'licenseSource',
  'organization',
  'licenseType',
  'started',
  'ended',
  'durationSeconds',
  'status',
] as const;

export const SESSION_STATUSES = ['active', 'ended', 'expired'] as const;

/**
 * `sessions` (SPEC §4.4) — User Sessions, one row per started session (denied attempts are not rows).
 *
 * - `status`: `ended` (SessionEnded), `expired` (SessionExpired, or a lease that lapsed — last
 *   heartbeat or start + lease ≤ now — before SessionExpired was appended), else `active`.
 * - `ended`: the recorded end, or the instant a lapsed lease ended (`leaseLapsesAt`); null while active.
 *   `durationSeconds`: to `ended`, or to now while active (whole seconds).
 * - `licenseSource`: the pool the session was drawn from ("Account" or the org's name): for an active
 *   session as the tree stands now (a new or removed dedication moves it), else as it was at start.
 * - `organization`: path of the user's organization when the session started; `orgId` filters on it.
 * - Filters: `q` (case-insensitive substring of user name, email, session id or machine id),
 *   `licenseSource` ("Account"/`account`, an orgId or an org name), `orgId`, `from`/`to` (local dates,
 *   on `started`), `status`. Sort by any column (`-col` descending; default `-started`).
 */
export const sessionsReport: ReportDefinition = {
  name: 'sessions',
  shape: 'table',
  products: SESSION_TABLE_PRODUCTS,
  columns: SESSION_COLUMNS,
  run: (request, context) => sessionsTable(request, context),
};

export async function sessionsTable(request: ReportRequest, context: ReportContext): Promise<TableBodyOf<'sessions'>> {
  const product = request.product;
  if (request.asOf !== undefined) throw validationError('asOf', 'sessions does not support asOf; it is read from the projected tables');
  if (!product) throw validationError('product', `is required; sessions covers ${SESSION_TABLE_PRODUCTS.join(', ')}`);
  if (!SESSION_TABLE_PRODUCTS.includes(product))
    throw validationError('product', `sessions covers ${SESSION_TABLE_PRODUCTS.join(', ')}, not ${product}`);
  const status = request.status;
  if (status !== undefined && !(SESSION_STATUSES as readonly string[]).includes(status)) {
    throw validationError('status', `must be one of ${SESSION_STATUSES.join(', ')}, got '${status}'`);
  }
  const order = sortOrder(request.sort);
  const page = request.page ?? 1;
  const pageSize = request.pageSize ?? 50;

  const { db, position } = await context.projections.reader<SessionsTables>('sessions');
  const accountId = request.accountId;
  const timezone = await accountTimezone(db.part<OrgDirectoryTables>(), accountId);
  const tree = await loadOrgTree(db.part<OrgDirectoryTables>(), accountId);
  const orgIds = request.orgId !== undefined ? [...tree.subtree(request.orgId)] : null;
  const started = startedRange(request.from, request.to, timezone);
  const history = await PoolHistory.load(db.part<PoolHistoryTables>(), accountId, product);
  const orgRows = orgMap(tree, allOrgIds(tree), history.dedicationsAt(Number.POSITIVE_INFINITY));
  const sources = request.licenseSource !== undefined ? sourcesNamed(request.licenseSource, orgRows) : null;

  const t = { sessions: db.table('sessions'), users: db.table('users'), session_counts: db.table('session_counts') };
  const now = context.now;
  const lease = context.leaseMs;
  const lapsed = sql`(s.ended_at IS NULL AND s.last_seen + ${lease} <= ${now})`;
  const active = sql`(s.ended_at IS NULL AND s.last_seen + ${lease} > ${now})`;
  const endedExpr = sql`COALESCE(s.ended_at, CASE WHEN ${lapsed} THEN s.last_seen + ${lease} END)`;
  const statusExpr = sql`(CASE WHEN s.end_kind IS NOT NULL THEN s.end_kind WHEN ${lapsed} THEN 'expired' ELSE 'active' END)`;
  const durationExpr = sql`(greatest(0, COALESCE(${endedExpr}, ${now}::bigint) - s.started_at) / 1000)`;
  const sourceExpr = sql`(CASE WHEN ${active} THEN cur.source ELSE s.license_source END)`;
  const sourceNameExpr = sql`(CASE WHEN ${sourceExpr} = ${ACCOUNT_SCOPE} THEN 'Account' ELSE src.name END)`;
  const columns: Record<(typeof SESSION_COLUMNS)[number], RawBuilder<unknown>> = {
    sessionId: sql`s.session_id`,
    userId: sql`s.user_id`,
    user: sql`u.full_name`,
    email: sql`u.email`,
    machineId: sql`s.machine_id`,
    licenseSource: sourceNameExpr,
    organization: sql`org.path`,
    licenseType: sql`s.license_type`,
    started: sql`s.started_at`,
    ended: endedExpr,
    durationSeconds: durationExpr,
    status: statusExpr,
  };
  /** Sort columns computed from the sessions row alone: the page can be chosen before any join. */
  const ownColumns = new Set(['sessionId', 'userId', 'machineId', 'licenseType', 'started', 'ended', 'durationSeconds', 'status']);

  // Conditions on the sessions row alone, then those that need the user and the org map.
  const own: RawBuilder<unknown>[] = [sql`s.account_id = ${accountId}`, sql`s.product = ${product}`];
  if (orgIds !== null) own.push(sql`s.org_id = ANY(${orgIds}::text[])`);
  if (started.from !== null) own.push(sql`s.started_at >= ${started.from}`);
  if (started.to !== null) own.push(sql`s.started_at < ${started.to}`);
  if (status === 'active') own.push(active);
  else if (status === 'ended') own.push(sql`s.end_kind = 'ended'`);
  else if (status === 'expired') own.push(sql`(s.end_kind = 'expired' OR ${lapsed})`);
  const q = request.q !== undefined && request.q.trim() !== '' ? request.q : undefined;
  if (q !== undefined) {
    // Users are few: match names and emails first, so the sessions are filtered without a join.
    const pattern = containsPattern(q);
    const users = await sql<{ user_id: string }>`
      SELECT user_id FROM ${t.users} WHERE account_id = ${accountId} AND (full_name ILIKE ${pattern} OR email ILIKE ${pattern})`.execute(db.kysely);
    own.push(sql`(s.user_id = ANY(${users.rows.map((u) => u.user_id)}::text[]) OR s.session_id ILIKE ${pattern} OR s.machine_id ILIKE ${pattern})`);
  }
  const joined: RawBuilder<unknown>[] = [];
  if (sources !== null) joined.push(sql`${sourceExpr} = ANY(${sources}::text[])`);

  const details = (rows: RawBuilder<unknown>) => sql`
    ${rows} s
    JOIN ${t.users} u ON u.account_id = s.account_id AND u.user_id = s.user_id
    LEFT JOIN unnest(${orgRows.map((o) => o.orgId)}::text[], ${orgRows.map((o) => o.path)}::text[]) AS org(org_id, path) ON org.org_id = s.org_id
    LEFT JOIN unnest(${orgRows.map((o) => o.orgId)}::text[], ${orgRows.map((o) => o.source)}::text[]) AS cur(org_id, source)
      ON cur.org_id = u.org_id
    LEFT JOIN unnest(${orgRows.map((o) => o.orgId)}::text[], ${orgRows.map((o) => o.name)}::text[]) AS src(org_id, name)
      ON src.org_id = ${sourceExpr}`;
  const where = (conditions: readonly RawBuilder<unknown>[]) => sql.join(conditions, sql` AND `);
  // PostgreSQL's default null order (last ascending, first descending) so an index walk serves the default sort.
  const direction = order.descending ? sql`DESC` : sql`ASC`;
  const orderBy = sql`ORDER BY ${columns[order.column]} ${direction}, s.session_id ${direction}`;
  const all = request.allRows === true;
  const limit = all ? sql`` : sql`LIMIT ${pageSize} OFFSET ${(page - 1) * pageSize}`;
  const select = sql`SELECT s.session_id, s.user_id, u.full_name, u.email, s.machine_id, ${sourceNameExpr} AS source_name,
    org.path AS organization, s.license_type, s.started_at, ${endedExpr} AS ended, ${durationExpr} AS duration, ${statusExpr} AS status`;

  // The page: chosen on the sessions table alone when filters and sort allow (for the default order a
  // backward walk of the (account, product, started_at, session_id) index), then joined for its columns.
  const pageQuery =
    joined.length === 0 && ownColumns.has(order.column)
      ? sql`${select} FROM ${details(sql`(SELECT * FROM ${t.sessions} s WHERE ${where(own)} ${orderBy} ${limit})`)} ${orderBy}`
      : sql`${select} FROM ${details(t.sessions)} WHERE ${where([...own, ...joined])} ${orderBy} ${limit}`;
  const countQuery = countOf();

  /**
   * The total. With no filter but orgId and status it comes from the projection's counts (ended and
   * expired as recorded, plus the open sessions whose lease has lapsed, from the small open index);
   * otherwise it is counted.
   */
  function countOf(): RawBuilder<{ n: string }> {
    const countable = started.from === null && started.to === null && q === undefined && joined.length === 0;
    if (!countable) {
      return joined.length === 0
        ? sql`SELECT count(*) AS n FROM ${t.sessions} s WHERE ${where(own)}`
        : sql`SELECT count(*) AS n FROM ${details(t.sessions)} WHERE ${where([...own, ...joined])}`;
    }
    const inScope = orgIds === null ? sql`` : sql`AND s.org_id = ANY(${orgIds}::text[])`;
    const counted = (kind: string) => sql`(SELECT COALESCE(sum(n), 0) FROM ${t.session_counts} s
      WHERE s.account_id = ${accountId} AND s.product = ${product} AND s.kind = ${kind} ${inScope})`;
    const open = (state: RawBuilder<unknown>) => sql`(SELECT count(*) FROM ${t.sessions} s
      WHERE s.account_id = ${accountId} AND s.product = ${product} AND s.ended_at IS NULL AND ${state} ${inScope})`;
    if (status === undefined) return sql`SELECT ${counted('started')} AS n`;
    if (status === 'ended') return sql`SELECT ${counted('ended')} AS n`;
    if (status === 'expired') return sql`SELECT ${counted('expired')} + ${open(lapsed)} AS n`;
    return sql`SELECT ${open(active)} AS n`;
  }

  const [countRows, pageRows] = await Promise.all([
    sql<{ n: string }>`${countQuery}`.execute(db.kysely),
    sql<{
      session_id: string;
      user_id: string;
      full_name: string;
      email: string;
      machine_id: string;
      source_name: string | null;
      organization: string | null;
      license_type: string;
      started_at: string;
      ended: string | null;
      duration: string;
      status: string;
    }>`${pageQuery}`.execute(db.kysely),
  ]);

  return {
    report: 'sessions',
    accountId,
    product,
    total: Number(countRows.rows[0]?.n ?? 0),
    page: all ? 1 : page,
    pageSize: all ? pageRows.rows.length : pageSize,
    asOfPosition: formatPosition(position),
    timezone,
    rows: pageRows.rows.map((r) => {
      const ended = msOrNull(r.ended);
      return {
        sessionId: r.session_id,
        userId: r.user_id,
        user: r.full_name,
        email: r.email,
        machineId: r.machine_id,
        licenseSource: r.source_name ?? 'Account',
        organization: r.organization ?? '',
        licenseType: r.license_type,
        started: new Date(ms(r.started_at)).toISOString(),
        ended: ended === null ? null : new Date(ended).toISOString(),
        durationSeconds: Number(r.duration),
        status: r.status as SessionStatus,
      };
    }),
  };
}

function sortOrder(sort: string | undefined): { column: (typeof SESSION_COLUMNS)[number]; descending: boolean } {
  const text = sort ?? '-started';
  const descending = text.startsWith('-');
  const column = (descending ? text.slice(1) : text.startsWith('+') ? text.slice(1) : text) as (typeof SESSION_COLUMNS)[number];
  if (!(SESSION_COLUMNS as readonly string[]).includes(column)) {
    throw validationError('sort', `must be one of ${SESSION_COLUMNS.join(', ')}, optionally prefixed with - for descending; got '${text}'`);
  }
  return { column, descending };
}

/** `from`/`to` local dates → [from 00:00, to+1 00:00) local on `started`; either may be alone. */
function startedRange(from: string | undefined, to: string | undefined, zone: string): { from: number | null; to: number | null } {
  if (from !== undefined && to !== undefined) {
    const window = reportWindow(from, to, zone);
    return { from: window.start, to: window.end };
  }
  return {
    from: from !== undefined ? reportWindow(from, from, zone).start : null,
    to: to !== undefined ? reportWindow(to, to, zone).end : null,
  };
}

/** Every org of the tree, parents before children. */
function allOrgIds(tree: OrgTree): string[] {
  const ids: string[] = [];
  const stack = [...tree.children(null)];
  while (stack.length > 0) {
    const id = stack.shift()!;
    ids.push(id);
    stack.push(...tree.children(id));
  }
  return ids;
}

interface OrgInfo {
  readonly orgId: string;
  readonly name: string;
  readonly path: string;
  readonly source: string;
}

/** Every org with its name, path and the license source of its users now (nearest dedicated org-or-ancestor). */
function orgMap(tree: OrgTree, orgIds: readonly string[], dedications: ReadonlyMap<string, number>): OrgInfo[] {
  const parentOf = new Map<string, string | null>();
  for (const orgId of orgIds) parentOf.set(orgId, null);
  for (const orgId of orgIds) for (const child of tree.children(orgId)) parentOf.set(child, orgId);
  return orgIds.map((orgId) => {
    let source = ACCOUNT_SCOPE;
    for (let id: string | null = orgId; id !== null; id = parentOf.get(id) ?? null) {
      if ((dedications.get(id) ?? 0) > 0) {
        source = id;
        break;
      }
    }
    return { orgId, name: tree.name(orgId), path: tree.path(orgId), source };
  });
}

/** The scope ids a `licenseSource` filter names: "Account"/`account`, an orgId, or org names (case-insensitive). */
function sourcesNamed(value: string, orgs: readonly OrgInfo[]): string[] {
  const wanted = value.trim().toLowerCase();
  if (wanted === ACCOUNT_SCOPE) return [ACCOUNT_SCOPE];
  return orgs.filter((o) => o.orgId === value.trim() || o.name.toLowerCase() === wanted).map((o) => o.orgId);
}
