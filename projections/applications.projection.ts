import { sql, type Kysely, type Transaction } from 'kysely';
import type { EventMap } from '../libs/domain/src/events.js';
import type { StoredEvent } from '../libs/event-store/src/event-store.js';
import { accountOf, occurredAt, type Projection, type ProjectionContext } from './projection.js';
import {
  applyDirectoryEvents, createDirectoryTables, ORG_DIRECTORY_EVENT_TYPES, type OrgDirectoryTables,
} from './shared/directory-tables.js';
import {
  applyPoolHistory, createPoolHistoryTables, insertChunked, ms, POOL_HISTORY_EVENT_TYPES, runStatements, tableRefs,
  type PoolHistoryTables, type Range,
} from './shared/usage-history.js';

/**
 * `applications` — TrueTest applications under test: each activation as an interval
 * [ApplicationActivated, ApplicationReleased) and the TRUETEST pool history (all drawn from the
 * account). Serves `aut-usage` (SPEC §4.6).
 *
 * Unlike sessions, activations keep no 15-minute concurrency slots: `aut-usage` sweeps the activations
 * themselves. An activation holds a TrueTest unit for its whole life, so an account has few of them
 * (at most its purchased quantity at once), while slots cost a row per 15 minutes of every
 * activation's life — most of a rebuild when activations last weeks (docs/decisions.md).
 */
export interface ApplicationRow {
  account_id: string;
  application_id: string;
  activated_at: number | string;
  released_at: number | string | null;
}

export interface ApplicationsTables extends OrgDirectoryTables, PoolHistoryTables {
  applications: ApplicationRow;
}

export const AUT_PRODUCT = 'TRUETEST';

export class ApplicationsProjection implements Projection<ApplicationsTables> {
  readonly name = 'applications';
  /** 3: no concurrency slots; reports sweep the activations. */
  readonly version = 3;
  /** Depends on none of the configured rules. */
  readonly rules = [] as const;
  readonly eventTypes: ReadonlySet<string> = new Set<string>([
    ...ORG_DIRECTORY_EVENT_TYPES, ...POOL_HISTORY_EVENT_TYPES, 'ApplicationActivated', 'ApplicationReleased',
  ]);

  async createTables(db: Kysely<ApplicationsTables>): Promise<void> {
    await createDirectoryTables(db, 'orgs');
    await createPoolHistoryTables(db);
    const t = tableRefs(db, ['applications']);
    await runStatements(db, [
      sql`CREATE TABLE IF NOT EXISTS ${t.applications} (
        account_id text NOT NULL, application_id text NOT NULL, activated_at bigint NOT NULL, released_at bigint,
        PRIMARY KEY (account_id, application_id, activated_at))`,
      sql`CREATE INDEX IF NOT EXISTS applications_by_activation ON ${t.applications} (account_id, activated_at)`,
      sql`CREATE INDEX IF NOT EXISTS applications_active ON ${t.applications} (account_id, application_id) WHERE released_at IS NULL`,
    ]);
  }

  async apply(trx: Transaction<ApplicationsTables>, events: readonly StoredEvent[], _context: ProjectionContext): Promise<void> {
    await applyDirectoryEvents(trx, events);
    await applyPoolHistory(trx, events, new Set([AUT_PRODUCT]));

    const active = new Map<string, ApplicationRow>();
    const touched = new Map<string, ApplicationRow>();
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
      }
    }

    const t = tableRefs(trx, ['applications']);
    await insertChunked([...touched.values()], 2000, (chunk) => sql`
      INSERT INTO ${t.applications} AS a (account_id, application_id, activated_at, released_at)
      SELECT * FROM unnest(${chunk.map((r) => r.account_id)}::text[], ${chunk.map((r) => r.application_id)}::text[],
        ${chunk.map((r) => String(r.activated_at))}::bigint[], ${chunk.map((r) => (r.released_at === null ? null : String(r.released_at)))}::bigint[])
      ON CONFLICT (account_id, application_id, activated_at) DO UPDATE SET released_at = excluded.released_at`.execute(trx));
  }
}

export const applicationsProjection = new ApplicationsProjection();

const key = (accountId: string, id: string) => `${accountId}\u0000${id}`;

/** Every activation of the account overlapping [from, to); those not released yet end at +∞. */
export async function applicationIntervals(db: Kysely<any>, accountId: string, from: number, to: number): Promise<Range[]> {
  const rows = await (db as Kysely<ApplicationsTables>).selectFrom('applications').select(['activated_at', 'released_at'])
    .where('account_id', '=', accountId).where('activated_at', '<', to)
    .where((w) => w.or([w('released_at', 'is', null), w('released_at', '>', from)]))
    .execute();
  return rows.map((r) => ({ start: ms(r.activated_at), end: r.released_at === null ? Number.POSITIVE_INFINITY : ms(r.released_at) }));
}
