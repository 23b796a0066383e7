import { sql, type Kysely } from 'kysely';
import { insertRows, type ColumnTypes } from '../libs/database/src/bulk-rows.js';
import type { StoredLedgerEvent } from '../libs/event-store/src/stored-ledger-event.js';
import { ms, type EpochMs, type ReadModelDb } from './engine/read-model-db.js';
import { accountOf, occurredAt, type Projection, type ProjectionContext } from './projection.js';
import { applyDirectoryEvents, createDirectoryTables, ORG_DIRECTORY_EVENT_TYPES, type OrgDirectoryTables } from './shared/directory-tables.js';
import type { Interval } from '../libs/domain/src/rules/peak-sweep.js';
import { applyPoolHistory, createPoolHistoryTables, POOL_HISTORY_EVENT_TYPES, type PoolHistoryTables } from './shared/pool-history.js';

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
  activated_at: EpochMs;
  released_at: EpochMs | null;
}

export interface ApplicationsTables extends OrgDirectoryTables, PoolHistoryTables {
  applications: ApplicationRow;
}

export const AUT_PRODUCT = 'TRUETEST';

export class ApplicationsProjection implements Projection<ApplicationsTables> {
  readonly name = 'applications';
  /** 3: no concurrency slots; reports sweep the activations. */
  readonly version = 3;
  /** Its tables are keyed by account and each account folds on its own: projector processes may share it. */
  readonly partitionable = true;
  /** Depends on none of the configured rules. */
  readonly rules = [] as const;
  readonly eventTypes: ReadonlySet<string> = new Set<string>([
    ...ORG_DIRECTORY_EVENT_TYPES,
    ...POOL_HISTORY_EVENT_TYPES,
    'ApplicationActivated',
    'ApplicationReleased',
  ]);

  readonly migrations = {
    'v3-tables': {
      async up(db: Kysely<unknown>): Promise<void> {
        await createDirectoryTables(db, 'orgs');
        await createPoolHistoryTables(db);
        await db.schema
          .createTable('applications')
          .addColumn('account_id', 'text', (c) => c.notNull())
          .addColumn('application_id', 'text', (c) => c.notNull())
          .addColumn('activated_at', 'bigint', (c) => c.notNull())
          .addColumn('released_at', 'bigint')
          .addPrimaryKeyConstraint('applications_pkey', ['account_id', 'application_id', 'activated_at'])
          .execute();
        await db.schema.createIndex('applications_by_activation').on('applications').columns(['account_id', 'activated_at']).execute();
        await db.schema
          .createIndex('applications_active')
          .on('applications')
          .columns(['account_id', 'application_id'])
          .where(sql.ref('released_at'), 'is', null)
          .execute();
      },
    },
  };

  async apply(db: ReadModelDb<ApplicationsTables>, events: readonly StoredLedgerEvent[], _context: ProjectionContext): Promise<void> {
    await applyDirectoryEvents(db.part<OrgDirectoryTables>(), events);
    await applyPoolHistory(db.part<PoolHistoryTables>(), events, new Set([AUT_PRODUCT]));

    const active = new Map<string, ApplicationRow>();
    const touched = new Map<string, ApplicationRow>();
    const wanted = new Map<string, string[]>();
    for (const e of events) {
      if (e.type !== 'ApplicationReleased') continue;
      const applicationId = e.data.applicationId;
      wanted.set(accountOf(e), [...(wanted.get(accountOf(e)) ?? []), applicationId]);
    }
    for (const [accountId, ids] of wanted) {
      const rows = await db.kysely
        .selectFrom('applications')
        .selectAll()
        .where('account_id', '=', accountId)
        .where('application_id', 'in', ids)
        .where('released_at', 'is', null)
        .execute();
      for (const row of rows) active.set(key(accountId, row.application_id), row);
    }

    for (const e of events) {
      const accountId = accountOf(e);
      if (e.type === 'ApplicationActivated') {
        const d = e.data;
        const row: ApplicationRow = { account_id: accountId, application_id: d.applicationId, activated_at: occurredAt(e), released_at: null };
        active.set(key(accountId, d.applicationId), row);
        touched.set(`${key(accountId, d.applicationId)}\u0000${row.activated_at}`, row);
      } else if (e.type === 'ApplicationReleased') {
        const d = e.data;
        const row = active.get(key(accountId, d.applicationId));
        if (!row) continue;
        row.released_at = occurredAt(e);
        active.delete(key(accountId, d.applicationId));
        touched.set(`${key(accountId, d.applicationId)}\u0000${row.activated_at}`, row);
      }
    }

    await insertRows(db.kysely, db.table('applications'), APPLICATION_COLUMNS, [...touched.values()], {
      conflict: sql`ON CONFLICT (account_id, application_id, activated_at) DO UPDATE SET released_at = excluded.released_at`,
    });
  }
}

export const applicationsProjection = new ApplicationsProjection();

const APPLICATION_COLUMNS: ColumnTypes<ApplicationRow> = {
  account_id: 'text',
  application_id: 'text',
  activated_at: 'bigint',
  released_at: 'bigint',
};

const key = (accountId: string, id: string) => `${accountId}\u0000${id}`;

/** Every activation of the account overlapping [from, to); those not released yet end at +∞. */
export async function applicationIntervals(db: ReadModelDb<ApplicationsTables>, accountId: string, from: number, to: number): Promise<Interval[]> {
  const rows = await db.kysely
    .selectFrom('applications')
    .select(['activated_at', 'released_at'])
    .where('account_id', '=', accountId)
    .where('activated_at', '<', to)
    .where((w) => w.or([w('released_at', 'is', null), w('released_at', '>', from)]))
    .execute();
  return rows.map((r) => ({ start: ms(r.activated_at), end: r.released_at === null ? Number.POSITIVE_INFINITY : ms(r.released_at) }));
}
