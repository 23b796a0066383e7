import { sql, type Kysely, type Transaction } from 'kysely';
import type { EventMap } from '../libs/domain/src/events.js';
import type { StoredEvent } from '../libs/event-store/src/event-store.js';
import { accountOf, occurredAt, type Projection, type ProjectionContext } from './projection.js';
import {
  applyDirectoryEvents, createDirectoryTables, ORG_DIRECTORY_EVENT_TYPES, type OrgDirectoryTables,
} from './shared/directory-tables.js';
import {
  ACCOUNT_NODE, applyClosedIntervals, applyPoolHistory, createPoolHistoryTables, createUsageSlotsTable, insertChunked,
  LONG_INTERVAL_MS, ms, overlappingRows, POOL_HISTORY_EVENT_TYPES, runStatements, tableRefs, type ClosedIntervals,
  type PoolHistoryTables, type Range, type UsageSlotTables,
} from './shared/usage-history.js';

/**
 * `applications` — TrueTest applications under test: each activation as an interval
 * [ApplicationActivated, ApplicationReleased), the TRUETEST pool history and the concurrency slots of
 * released applications (all drawn from the account). Serves `aut-usage` (SPEC §4.6).
 */
export interface ApplicationRow {
  account_id: string;
  application_id: string;
  activated_at: number | string;
  released_at: number | string | null;
}

export interface ApplicationsTables extends OrgDirectoryTables, PoolHistoryTables, UsageSlotTables {
  applications: ApplicationRow;
}

export const AUT_PRODUCT = 'TRUETEST';

/** Long activations, indexed on their own (see `overlappingRows`). */
const APPLICATIONS_LONG_PREDICATE = sql`released_at - activated_at > ${sql.lit(LONG_INTERVAL_MS)}`;

export class ApplicationsProjection implements Projection<ApplicationsTables> {
  readonly name = 'applications';
  /** 2: keeps only accounts and organizations of the directory (aut-usage reads no users). */
  readonly version = 2;
  /** Depends on none of the configured rules (the lease is applied when reports are read). */
  readonly rules = [] as const;
  readonly eventTypes: ReadonlySet<string> = new Set<string>([
    ...ORG_DIRECTORY_EVENT_TYPES, ...POOL_HISTORY_EVENT_TYPES, 'ApplicationActivated', 'ApplicationReleased',
  ]);

  async createTables(db: Kysely<ApplicationsTables>): Promise<void> {
    await createDirectoryTables(db, 'orgs');
    await createPoolHistoryTables(db);
    await createUsageSlotsTable(db);
    const t = tableRefs(db, ['applications']);
    await runStatements(db, [
      sql`CREATE TABLE IF NOT EXISTS ${t.applications} (
        account_id text NOT NULL, application_id text NOT NULL, activated_at bigint NOT NULL, released_at bigint,
        PRIMARY KEY (account_id, application_id, activated_at))`,
      sql`CREATE INDEX IF NOT EXISTS applications_by_activation ON ${t.applications} (account_id, activated_at)`,
      sql`CREATE INDEX IF NOT EXISTS applications_active ON ${t.applications} (account_id) WHERE released_at IS NULL`,
      sql`CREATE INDEX IF NOT EXISTS applications_long ON ${t.applications} (account_id, released_at) WHERE ${APPLICATIONS_LONG_PREDICATE}`,
    ]);
  }

  async apply(trx: Transaction<ApplicationsTables>, events: readonly StoredEvent[], _context: ProjectionContext): Promise<void> {
    await applyDirectoryEvents(trx, events);
    await applyPoolHistory(trx, events, new Set([AUT_PRODUCT]));

    const active = new Map<string, ApplicationRow>();
    const touched = new Map<string, ApplicationRow>();
    const released: ApplicationRow[] = [];
    const wanted = new Map<string, string[]>();
    for (const e of events) {
      if (e.type !== 'ApplicationReleased') continue;
      const applicationId = (e.data as unknown as EventMap['ApplicationReleased']).applicationId;
      wanted.set(accountOf(e), [...(wanted.get(accountOf(e)) ?? []), applicationId]);
    }
    for (const [accountId, ids] of wanted) {
      const rows = await trx.selectFrom('applications').selectAll()
        .where('account_id', '=', accountId).where('application_id', 'in', ids).where('released_at', 'is', null).execute();
      for (const row of rows) active.set(key(accountId, row.application_id), row);
    }

    for (const e of events) {
      const accountId = accountOf(e);
      if (e.type === 'ApplicationActivated') {
        const d = e.data as unknown as EventMap['ApplicationActivated'];
        const row: ApplicationRow = { account_id: accountId, application_id: d.applicationId, activated_at: occurredAt(e), released_at: null };
        active.set(key(accountId, d.applicationId), row);
        touched.set(`${key(accountId, d.applicationId)}\u0000${row.activated_at}`, row);
      } else if (e.type === 'ApplicationReleased') {
        const d = e.data as unknown as EventMap['ApplicationReleased'];
        const row = active.get(key(accountId, d.applicationId));
        if (!row) continue;
        row.released_at = occurredAt(e);
        active.delete(key(accountId, d.applicationId));
        touched.set(`${key(accountId, d.applicationId)}\u0000${row.activated_at}`, row);
        released.push(row);
      }
    }

    const t = tableRefs(trx, ['applications']);
    await insertChunked([...touched.values()], 2000, (chunk) => sql`
      INSERT INTO ${t.applications} AS a (account_id, application_id, activated_at, released_at)
      SELECT * FROM unnest(${chunk.map((r) => r.account_id)}::text[], ${chunk.map((r) => r.application_id)}::text[],
        ${chunk.map((r) => String(r.activated_at))}::bigint[], ${chunk.map((r) => (r.released_at === null ? null : String(r.released_at)))}::bigint[])
      ON CONFLICT (account_id, application_id, activated_at) DO UPDATE SET released_at = excluded.released_at`.execute(trx));

    if (released.length === 0) return;
    const groups = new Map<string, ApplicationRow[]>();
    for (const row of released) groups.set(row.account_id, [...(groups.get(row.account_id) ?? []), row]);
    const closed: ClosedIntervals[] = [...groups].map(([accountId, rows]) => ({
      accountId, product: AUT_PRODUCT,
      intervals: rows.map((r) => ({ start: ms(r.activated_at), end: ms(r.released_at), nodes: [ACCOUNT_NODE] })),
      overlapping: async (ranges) => (await releasedApplicationsOverlapping(trx, accountId, ranges)).map((r) => ({ ...r, nodes: [ACCOUNT_NODE] })),
    }));
    await applyClosedIntervals(trx, closed);
  }
}

export const applicationsProjection = new ApplicationsProjection();

const key = (accountId: string, id: string) => `${accountId}\u0000${id}`;

/** Released (closed) activations overlapping any of `ranges`; a superset is fine. */
export async function releasedApplicationsOverlapping(db: Kysely<any>, accountId: string, ranges: readonly Range[]): Promise<Range[]> {
  if (ranges.length === 0) return [];
  const t = tableRefs(db, ['applications']);
  const rows = await sql<{ activated_at: string; released_at: string }>`${overlappingRows(
    sql`activated_at, released_at`, t.applications, sql`account_id = ${accountId} AND released_at IS NOT NULL`, 'activated_at', 'released_at',
    APPLICATIONS_LONG_PREDICATE, ranges,
  )}`.execute(db);
  return rows.rows.map((r) => ({ start: ms(r.activated_at), end: ms(r.released_at) }));
}

/** Activations not released yet: open (end +∞). */
export async function activeApplicationIntervals(db: Kysely<any>, accountId: string): Promise<Range[]> {
  const rows = await (db as Kysely<ApplicationsTables>).selectFrom('applications').select('activated_at')
    .where('account_id', '=', accountId).where('released_at', 'is', null).execute();
  return rows.map((r) => ({ start: ms(r.activated_at), end: Number.POSITIVE_INFINITY }));
}
