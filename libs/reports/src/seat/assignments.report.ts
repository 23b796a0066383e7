import { sql, type Expression, type Kysely } from 'kysely';
import type { AssignmentsTables } from '../../../../projections/assignments.projection.js';
import { ms, type EpochMs } from '../../../../projections/engine/read-model-db.js';
import { SEAT_PRODUCTS } from '../../../domain/src/products.js';
import { formatPosition } from '../../../event-store/src/event-store.js';
import {
  accountTimezone,
  loadOrgTree,
  type DirectoryTables,
  type OrgDirectoryTables,
  type OrgTree,
} from '../../../../projections/shared/directory-tables.js';
import type { TableBodyOf } from '../../../contracts/src/index.js';
import type { ReportContext, ReportDefinition, ReportRequest } from '../report-definition.js';
import { containsPattern, refuseAsOf } from '../../../report-contract/src/report-request.js';
import { requireProduct } from '../../../report-contract/src/series-scope.js';
import { parseSort, type AssignmentSortColumn } from '../../../report-contract/src/assignments-sort.js';
import { ACCOUNT_SOURCE_NAME, licenseSources } from '../../../report-contract/src/license-sources.js';

export const ASSIGNMENT_COLUMNS = [
  'userId',
  'user',
  'email',
  'licenseSource',
  'organization',
  'projects',
  'lastAssignment',
  'lastActiveUse',
  'activated',
] as const;

/** What each sortable column (`ASSIGNMENT_SORT_COLUMNS`) sorts by (ties: userId). */
const SORTS: Record<AssignmentSortColumn, Expression<unknown>> = {
  userId: sql`s.user_id`,
  user: sql`u.full_name`,
  email: sql`u.email`,
  licenseSource: sql`o.source_name`,
  organization: sql`o.path`,
  lastAssignment: sql`s.assigned_at`,
  lastActiveUse: sql`l.last_at`,
  activated: sql`(s.activated_at IS NOT NULL)`,
};

/**
 * `assignments` (SPEC §4.2): one row per current seat of a seat product, with the license source as
 * the tree and dedications stand now, the organization path, project names, the latest
 * qualifying activity for the product (all time) and whether the current assignment is activated.
 * Filters orgId (the holder's organization and below), licenseSource ('account', an org id or an
 * org name), q (name or email, case-insensitive); sort (a column, '-column' descending), paging.
 */
export const assignmentsReport: ReportDefinition = {
  name: 'assignments',
  shape: 'table',
  products: SEAT_PRODUCTS,
  columns: ASSIGNMENT_COLUMNS,
  parameters: ['orgId', 'q', 'licenseSource', 'sort', 'page', 'pageSize', 'asOf'],
  async run(request: ReportRequest, context: ReportContext): Promise<TableBodyOf<'assignments'>> {
    refuseAsOf(request, 'assignments');
    const product = requireProduct(request);
    const sort = parseSort(request.sort);
    const { db: readModel, position } = await context.projections.reader<AssignmentsTables>('assignments');
    const db = readModel.kysely;
    const timezone = await accountTimezone(readModel.part<OrgDirectoryTables>(), request.accountId);
    const tree = await loadOrgTree(readModel.part<OrgDirectoryTables>(), request.accountId);
    const dedicated = new Set(
      (
        await db
          .selectFrom('current_dedications')
          .select('org_id')
          .where('account_id', '=', request.accountId)
          .where('product', '=', product)
          .where('quantity', '>', 0)
          .execute()
      ).map((r) => r.org_id),
    );
    const orgs = orgTable(tree, dedicated);
    const subtree = request.orgId !== undefined ? [...tree.subtree(request.orgId)] : null;
    const sources = request.licenseSource !== undefined ? licenseSources(request.licenseSource, tree) : null;

    const orgRows = sql<{ org_id: string; path: string; source_id: string; source_name: string }>`unnest(
      ${orgs.map((o) => o.orgId)}::text[], ${orgs.map((o) => o.path)}::text[],
      ${orgs.map((o) => o.sourceId)}::text[], ${orgs.map((o) => o.sourceName)}::text[])`.as<'o'>(sql`o(org_id, path, source_id, source_name)`);
    const base = db
      .selectFrom('current_seats as s')
      .innerJoin('users as u', (j) => j.onRef('u.account_id', '=', 's.account_id').onRef('u.user_id', '=', 's.user_id'))
      .innerJoin(orgRows, 'o.org_id', 'u.org_id')
      .leftJoin('last_active_use as l', (j) =>
        j.onRef('l.account_id', '=', 's.account_id').onRef('l.product', '=', 's.product').onRef('l.user_id', '=', 's.user_id'),
      )
      .where('s.account_id', '=', request.accountId)
      .where('s.product', '=', product)
      .$if(subtree !== null, (qb) => qb.where(sql<boolean>`u.org_id = ANY(${subtree}::text[])`))
      .$if(sources !== null, (qb) => qb.where(sql<boolean>`o.source_id = ANY(${sources}::text[])`))
      .$if(request.q !== undefined, (qb) => {
        const pattern = containsPattern(request.q!);
        return qb.where((eb) => eb.or([eb('u.full_name', 'ilike', pattern), eb('u.email', 'ilike', pattern)]));
      });

    // Without filters every seat is a row: the total is an index-only count of the seats.
    const filtered = subtree !== null || sources !== null || request.q !== undefined;
    const counted = filtered
      ? base.select(sql<string>`count(*)`.as('n'))
      : db
          .selectFrom('current_seats')
          .where('account_id', '=', request.accountId)
          .where('product', '=', product)
          .select(sql<string>`count(*)`.as('n'));
    const total = Number((await counted.executeTakeFirst())?.n ?? 0);
    const all = request.allRows === true;
    const pageSize = all ? Math.max(total, 1) : request.pageSize;
    const page = all ? 1 : request.page;
    const rows = await base
      .select(['s.user_id', 'u.full_name', 'u.email', 'o.source_name', 'o.path', 's.assigned_at', 's.activated_at', 'l.last_at'])
      .orderBy(SORTS[sort.column], (ob) => {
        const ordered = sort.descending ? ob.desc() : ob.asc();
        return ordered.nullsLast();
      })
      .orderBy('s.user_id')
      .$if(!all, (qb) => qb.limit(pageSize).offset((page - 1) * pageSize))
      .execute();

    const projects = await projectNames(readModel.part<DirectoryTables>().kysely, request.accountId, all ? null : rows.map((r) => r.user_id));
    return {
      report: 'assignments',
      accountId: request.accountId,
      product,
      total,
      page,
      pageSize,
      asOfPosition: formatPosition(position),
      timezone,
      rows: rows.map((r) => ({
        userId: r.user_id,
        user: r.full_name,
        email: r.email,
        licenseSource: r.source_name,
        organization: r.path,
        projects: projects.get(r.user_id) ?? [],
        lastAssignment: iso(r.assigned_at),
        lastActiveUse: r.last_at === null ? null : iso(r.last_at),
        activated: r.activated_at !== null,
      })),
    };
  },
};

function iso(value: EpochMs): string {
  return new Date(ms(value)).toISOString();
}

interface OrgRow {
  readonly orgId: string;
  readonly path: string;
  readonly sourceId: string;
  readonly sourceName: string;
}

/** Every org with its path and license source: its nearest org-or-ancestor with a dedication, else the account. */
function orgTable(tree: OrgTree, dedicated: ReadonlySet<string>): OrgRow[] {
  const rows: OrgRow[] = [];
  const visit = (orgId: string, inherited: { id: string; name: string }) => {
    const source = dedicated.has(orgId) ? { id: orgId, name: tree.name(orgId) } : inherited;
    rows.push({ orgId, path: tree.path(orgId), sourceId: source.id, sourceName: source.name });
    for (const child of tree.children(orgId)) visit(child, source);
  };
  for (const top of tree.children(null)) visit(top, { id: 'account', name: ACCOUNT_SOURCE_NAME });
  return rows;
}

/** userId → names of the user's projects, sorted; for the given users, or every user (null). */
async function projectNames(db: Kysely<DirectoryTables>, accountId: string, userIds: readonly string[] | null): Promise<Map<string, string[]>> {
  const names = new Map<string, string[]>();
  if (userIds !== null && userIds.length === 0) return names;
  const rows = await db
    .selectFrom('project_members as m')
    .innerJoin('projects as p', (j) => j.onRef('p.account_id', '=', 'm.account_id').onRef('p.project_id', '=', 'm.project_id'))
    .select(['m.user_id', 'p.name'])
    .where('m.account_id', '=', accountId)
    .$if(userIds !== null, (qb) => qb.where(sql<boolean>`m.user_id = ANY(${userIds}::text[])`))
    .orderBy('p.name')
    .orderBy('p.project_id')
    .execute();
  for (const r of rows) {
    const list = names.get(r.user_id);
    if (list) list.push(r.name);
    else names.set(r.user_id, [r.name]);
  }
  return names;
}
