import { sql, type Kysely } from 'kysely';
import { insertRows, unnestRows } from '../../libs/database/src/bulk-rows.js';
import type { StoredLedgerEvent } from '../../libs/event-store/src/stored-ledger-event.js';
import type { EpochMs, ReadModelDb } from '../engine/read-model-db.js';
import { accountOf, occurredAt } from '../projection.js';
import { loadUserOrgs, USER_KEY_COLUMNS } from './batch-directory.js';
import type { UserDirectoryTables } from './directory-tables.js';
import { keyOf, VersionedRows } from './versioned-rows.js';

/**
 * Seats as intervals, split by the holder's organization: one row per (seat, organization the
 * holder was in), valid on [span_from, span_to). A seat assigned on [a, u) to a user who moved at m
 * is two spans, [a, m) in the old org and [m, u) in the new one, both carrying the seat's
 * `assigned_at` and `activated_at` (the first login of that assignment, SeatActivated).
 *
 * So "seats held at instant T by users whose organization at T is in S" is the number of spans with
 * org_id ∈ S containing T, and "activated" adds activated_at < T: step functions of T. The fold also
 * appends their change points to `seat_changes` (+1 where a span or its activation starts, −1 where
 * it ends), which report queries sum per bucket for every bucket end in one statement (see
 * libs/reports/src/seat); `seat_spans` is the fold's state (open spans) and the intervals themselves.
 */
export interface SeatSpanTables {
  seat_spans: {
    account_id: string;
    product: string;
    user_id: string;
    org_id: string;
    span_from: EpochMs;
    span_to: EpochMs | null;
    assigned_at: EpochMs;
    activated_at: EpochMs | null;
  };
  /**
   * The change points of the seat metrics, appended as the log is folded (business time never goes
   * back within an account, so this is an append-only log per account): `d` seats more (or fewer)
   * held by users of `org_id` from `ts` on. Reports sum them per bucket instead of expanding spans.
   */
  seat_changes: { account_id: string; product: string; org_id: string; metric: number; ts: EpochMs; d: number };
}

/** `seat_changes.metric`: seats held, and seats held whose current assignment has a login since. */
export const SEAT_METRIC = { assigned: 1, activated: 2 } as const;

type SeatSpan = SeatSpanTables['seat_spans'];

/** Events the seat spans fold (the directory events among them only to follow users' organizations). */
export const SEAT_SPAN_EVENT_TYPES = ['UserRegistered', 'UserMoved', 'SeatAssigned', 'SeatUnassigned', 'SeatActivated'] as const;

/** Creates the seat span tables (in a projection's migration; `db` is scoped to the new generation). */
export async function createSeatSpanTables(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('seat_spans')
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('product', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('span_from', 'bigint', (c) => c.notNull())
    .addColumn('span_to', 'bigint')
    .addColumn('assigned_at', 'bigint', (c) => c.notNull())
    .addColumn('activated_at', 'bigint')
    .addPrimaryKeyConstraint('seat_spans_pk', ['account_id', 'product', 'user_id', 'span_from'])
    .execute();
  // Report queries: every span of an account's product (optionally by org), by time.
  await db.schema.createIndex('seat_spans_by_product_org').on('seat_spans').columns(['account_id', 'product', 'org_id', 'span_from']).execute();
  await db.schema
    .createTable('seat_changes')
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('product', 'text', (c) => c.notNull())
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('metric', 'smallint', (c) => c.notNull())
    .addColumn('ts', 'bigint', (c) => c.notNull())
    .addColumn('d', 'integer', (c) => c.notNull())
    .execute();
  // Report queries read it by instant, index only.
  await db.schema.createIndex('seat_changes_by_time').on('seat_changes').columns(['account_id', 'product', 'ts', 'org_id', 'metric', 'd']).execute();
  // Folding: the open spans of a user (any product), when the user moves.
  await db.schema
    .createIndex('seat_spans_open_by_user')
    .on('seat_spans')
    .columns(['account_id', 'user_id'])
    .where(sql.ref('span_to'), 'is', null)
    .execute();
}

/**
 * Folds a batch into `seat_spans`. Call it BEFORE `applyDirectoryEvents` of the same batch: it reads
 * the users' organizations as they stood before the batch and follows the batch's own
 * registrations and moves in memory.
 */
export async function applySeatSpanEvents(
  db: ReadModelDb<SeatSpanTables & UserDirectoryTables>,
  events: readonly StoredLedgerEvent[],
): Promise<void> {
  const relevant = events.filter(
    (e) =>
      e.type === 'SeatAssigned' || e.type === 'SeatUnassigned' || e.type === 'SeatActivated' || e.type === 'UserMoved' || e.type === 'UserRegistered',
  );
  if (relevant.length === 0) return;

  // Users whose seats or organization the batch touches, and who existed before it; of these, those
  // assigned a seat before the batch registers or moves them need their organization as stored.
  const touched = new Map<string, { account_id: string; user_id: string }>();
  const unplaced = new Map<string, { account_id: string; user_id: string }>();
  const registered = new Set<string>();
  const placed = new Set<string>();
  for (const e of relevant) {
    const account_id = accountOf(e);
    const user_id = e.data.userId;
    const key = keyOf(account_id, user_id);
    if (e.type === 'UserRegistered') registered.add(key);
    else if (!registered.has(key)) touched.set(key, { account_id, user_id });
    if (e.type === 'SeatAssigned' && !placed.has(key)) unplaced.set(key, { account_id, user_id });
    if (e.type === 'UserRegistered' || e.type === 'UserMoved') placed.add(key);
  }

  const spans = new VersionedRows<SeatSpanTables, 'seat_spans'>({
    table: 'seat_spans',
    entityKey: (s) => keyOf(s.account_id, s.user_id, s.product),
    fromColumn: 'span_from',
    toColumn: 'span_to',
    primaryKey: ['account_id', 'product', 'user_id', 'span_from'],
    columns: {
      account_id: 'text',
      product: 'text',
      user_id: 'text',
      org_id: 'text',
      span_from: 'bigint',
      span_to: 'bigint',
      assigned_at: 'bigint',
      activated_at: 'bigint',
    },
  });
  const existing = [...touched.values()];
  const orgOfUser = await loadUserOrgs(db.part<UserDirectoryTables>(), [...unplaced.values()]);
  for (let i = 0; i < existing.length; i += 1000) {
    const { rows: open } = await sql<SeatSpan>`SELECT s.* FROM ${db.table('seat_spans')} AS s
      JOIN ${unnestRows(USER_KEY_COLUMNS, existing.slice(i, i + 1000))} ON k.account_id = s.account_id AND k.user_id = s.user_id
      WHERE s.span_to IS NULL`.execute(db.kysely);
    spans.load(open);
  }

  const changes = new Map<string, SeatSpanTables['seat_changes']>();
  const change = (span: SeatSpan, metric: number, ts: number, d: number) => {
    const key = keyOf(span.account_id, span.product, span.org_id, String(metric), String(ts));
    const known = changes.get(key);
    if (known) known.d += d;
    else changes.set(key, { account_id: span.account_id, product: span.product, org_id: span.org_id, metric, ts, d });
  };
  /** A span ends at `at`: its seat, and its activation if any, stop counting for its org. */
  const ended = (span: SeatSpan, at: number) => {
    change(span, SEAT_METRIC.assigned, at, -1);
    if (span.activated_at !== null) change(span, SEAT_METRIC.activated, at, -1);
  };
  const started = (span: SeatSpan, at: number) => {
    change(span, SEAT_METRIC.assigned, at, 1);
    if (span.activated_at !== null) change(span, SEAT_METRIC.activated, at, 1);
  };

  for (const e of relevant) {
    const account_id = accountOf(e);
    const at = occurredAt(e);
    switch (e.type) {
      case 'UserRegistered': {
        const d = e.data;
        orgOfUser.set(keyOf(account_id, d.userId), d.orgId);
        break;
      }
      case 'UserMoved': {
        const d = e.data;
        orgOfUser.set(keyOf(account_id, d.userId), d.orgId);
        for (const [key] of [...spans.currentWithPrefix(keyOf(account_id, d.userId, ''))]) {
          const old = spans.end(key, at)!;
          ended(old, at);
          const moved: SeatSpan = { ...old, org_id: d.orgId, span_from: at, span_to: null };
          spans.start(moved);
          started(moved, at);
        }
        break;
      }
      case 'SeatAssigned': {
        const d = e.data;
        const org_id = orgOfUser.get(keyOf(account_id, d.userId));
        if (org_id === undefined) throw new Error(`seat of unknown user '${d.userId}' in account '${account_id}' (event ${e.eventId})`);
        const key = keyOf(account_id, d.userId, d.product);
        const previous = spans.end(key, at); // never open (the decider refuses ALREADY_ASSIGNED); defensive
        if (previous) ended(previous, at);
        const span: SeatSpan = {
          account_id,
          product: d.product,
          user_id: d.userId,
          org_id,
          span_from: at,
          span_to: null,
          assigned_at: at,
          activated_at: null,
        };
        spans.start(span);
        started(span, at);
        break;
      }
      case 'SeatUnassigned': {
        const d = e.data;
        const span = spans.end(keyOf(account_id, d.userId, d.product), at);
        if (span) ended(span, at);
        break;
      }
      case 'SeatActivated': {
        const d = e.data;
        spans.update(keyOf(account_id, d.userId, d.product), (s) => {
          if (s.activated_at !== null) return;
          s.activated_at = at;
          change(s, SEAT_METRIC.activated, at, 1);
        });
        break;
      }
    }
  }
  await spans.flush(db.part<SeatSpanTables>());
  const rows = [...changes.values()].filter((c) => c.d !== 0);
  await insertRows(
    db.kysely,
    db.table('seat_changes'),
    {
      account_id: 'text',
      product: 'text',
      org_id: 'text',
      metric: 'smallint',
      ts: 'bigint',
      d: 'integer',
    },
    rows,
  );
}
