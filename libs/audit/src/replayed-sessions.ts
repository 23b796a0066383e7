import { validationError } from '../../domain/src/errors.js';
import { ACCOUNT_SCOPE } from '../../domain/src/events.js';
import { sourceOfOrg } from '../../domain/src/pools.js';
import { productView, type AccountState } from '../../domain/src/state.js';
import { reportWindow } from '../../domain/src/time/index.js';
import type { TableBody } from '../../contracts/src/index.js';
import { replayAccount, lastPosition, pathOf, subtreeOf } from './replay-account.js';
import { sessionEndAt } from '../../domain/src/rules/lease.js';
import { sessionsOf, type ReplayedSession } from './replay-sessions.js';
import type { ReplayedReport } from './replayed-report.js';

const COLUMNS = [
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
type Column = (typeof COLUMNS)[number];
const STATUSES = ['active', 'ended', 'expired'];

interface Row {
  readonly session: ReplayedSession;
  readonly cells: Record<Column, string | number | null>;
  /** The pool id the row's licenseSource names ('account' or an orgId). */
  readonly source: string;
}

/**
 * `sessions` (SPEC §4.4) from the events: one row per started session. Status and end follow the lease
 * rule at now; an active session's licenseSource is its user's pool as the tree stands now, a finished
 * one's the pool it was drawn from. Filters, sort (ties by sessionId) and paging as the projected
 * table; text compares by code point, as the read store's C collation does.
 */
export const replayedSessions: ReplayedReport = {
  name: 'sessions',
  run(events, request, { now, leaseMs }): TableBody {
    const product = request.product;
    if (product === undefined) throw validationError('product', 'is required');
    if (request.status !== undefined && !STATUSES.includes(request.status)) throw validationError('status', `must be one of ${STATUSES.join(', ')}`);
    const state = replayAccount(events, request.accountId);
    const { column, descending } = sortOrder(request.sort);
    const orgs = request.orgId !== undefined ? subtreeOf(state, request.orgId) : null;
    const started =
      request.from !== undefined || request.to !== undefined
        ? {
            from: request.from !== undefined ? reportWindow(request.from, request.from, state.timezone).start : -Infinity,
            to: request.to !== undefined ? reportWindow(request.to, request.to, state.timezone).end : Infinity,
          }
        : null;
    const dedications = productView(state, product).dedications;
    const sources = request.licenseSource !== undefined ? sourcesNamed(state, request.licenseSource) : null;
    const q = request.q !== undefined && request.q.trim() !== '' ? request.q.toLowerCase() : null;

    const rows = sessionsOf(events, product)
      .sessions.map((session) => rowOf(state, session, dedications, now, leaseMs))
      .filter(
        ({ session, cells, source }) =>
          (orgs === null || orgs.has(session.orgId)) &&
          (started === null || (session.startedAt >= started.from && session.startedAt < started.to)) &&
          (request.status === undefined || cells.status === request.status) &&
          (q === null || [cells.user, cells.email, cells.sessionId, cells.machineId].some((v) => String(v).toLowerCase().includes(q))) &&
          (sources === null || sources.includes(source)),
      );
    rows.sort((a, b) => {
      const order = compare(a.cells[column], b.cells[column]) || compare(a.cells.sessionId, b.cells.sessionId);
      return descending ? -order : order;
    });
    const all = request.allRows === true;
    const page = all ? rows : rows.slice((request.page - 1) * request.pageSize, request.page * request.pageSize);
    return {
      report: 'sessions',
      accountId: request.accountId,
      product,
      total: rows.length,
      page: all ? 1 : request.page,
      pageSize: all ? rows.length : request.pageSize,
      asOfPosition: lastPosition(events),
      timezone: state.timezone,
      rows: page.map((r) => ({
        ...r.cells,
        started: new Date(r.cells.started as number).toISOString(),
        ended: r.cells.ended === null ? null : new Date(r.cells.ended as number).toISOString(),
      })),
    };
  },
};

function rowOf(state: AccountState, session: ReplayedSession, dedications: ReadonlyMap<string, number>, now: number, leaseMs: number): Row {
  const ended = sessionEndAt(session, now, leaseMs);
  const status = session.endKind ?? (ended === null ? 'active' : 'expired');
  const user = state.users.get(session.userId)!;
  const source = status === 'active' ? sourceOfOrg(state, dedications, user.orgId) : session.licenseSource;
  return {
    session,
    source,
    cells: {
      sessionId: session.sessionId,
      userId: session.userId,
      user: user.fullName,
      email: user.email,
      machineId: session.machineId,
      licenseSource: source === ACCOUNT_SCOPE ? 'Account' : (state.orgs.get(source)?.name ?? 'Account'),
      organization: pathOf(state, session.orgId),
      licenseType: session.licenseType,
      started: session.startedAt,
      ended,
      durationSeconds: Math.floor(Math.max(0, (ended ?? now) - session.startedAt) / 1000),
      status,
    },
  };
}

function sortOrder(sort: string | undefined): { column: Column; descending: boolean } {
  const text = sort ?? '-started';
  const descending = text.startsWith('-');
  const column = text.replace(/^[-+]/, '');
  if (!(COLUMNS as readonly string[]).includes(column))
    throw validationError('sort', `must be one of ${COLUMNS.join(', ')}, optionally prefixed with -`);
  return { column: column as Column, descending };
}

/** Ascending; null after every value (PostgreSQL's default: last ascending, first descending). */
function compare(a: string | number | null, b: string | number | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : 1;
}

/** The pool ids a `licenseSource` filter names: "Account"/`account`, an orgId, or org names (case-insensitive). */
function sourcesNamed(state: AccountState, value: string): string[] {
  const wanted = value.trim().toLowerCase();
  if (wanted === ACCOUNT_SCOPE) return [ACCOUNT_SCOPE];
  return [...state.orgs.values()].filter((o) => o.orgId === value.trim() || o.name.toLowerCase() === wanted).map((o) => o.orgId);
}
