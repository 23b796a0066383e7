import { asLedgerEvent, type StoredLedgerEvent } from '../libs/event-store/src/stored-ledger-event.js';
import { Inject } from '@nestjs/common';
import type { Kysely } from 'kysely';
import { randomUUID } from 'node:crypto';
import { readAccountEvents } from '../libs/event-store/src/account-events.js';
import { AlertMonitor } from '../libs/domain/src/alerts/alert-monitor.js';
import { EVENT_TYPES } from '../libs/domain/src/events.js';
import { comparePositions, formatPosition, parsePosition, type EventStore, type LogPosition } from '../libs/event-store/src/event-store.js';
import { EVENT_STORE } from '../libs/platform/src/tokens.js';
import { createAlertTables, type AlertTables } from './alerts/alert-tables.js';
import { AlertWrites } from './alerts/alert-writes.js';
import { MonitorCache, type CachedMonitor } from './alerts/monitor-cache.js';
import type { ReadModelDb } from './engine/read-model-db.js';
import { accountOf, type Projection, type ProjectionContext, type RuleName } from './projection.js';

/**
 * The alert processor (SPEC §9): fed from the global log by the projection engine like any projection
 * (a generation schema, a checkpoint committed with its writes, rebuilt from the log on demand), it
 * folds each account that has (or had) an alert rule into an AlertMonitor and writes the alerts raised
 * and cleared, and, in the same transaction, the webhook deliveries they call for (the outbox).
 *
 * Monitors live in memory between batches. Each is a cache of its account's events up to a position;
 * `alert_accounts` records that position with the checkpoint, so after a crash, a failed batch, or
 * another process folding meanwhile, the monitor is rebuilt from the account's stream up to exactly
 * the recorded position (in `prepare`, outside the transaction), and the fold goes on from there.
 * Accounts without rules cost one lookup per batch.
 */
export class AlertsProcessor implements Projection<AlertTables> {
  readonly name = 'alerts';
  readonly version = 1;
  readonly rules: readonly RuleName[] = ['leaseMs'];
  /** Every event type: a monitor replays the whole account (its pools, sessions, rules and webhooks). */
  readonly eventTypes: ReadonlySet<string> = new Set(EVENT_TYPES);

  readonly #monitors = new MonitorCache();
  /** Monitors of accounts whose first rule is in the batch being prepared: their events before that rule. */
  readonly #starting = new Map<string, { readonly monitor: AlertMonitor; readonly before: LogPosition }>();

  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  /** The outbox (webhook_deliveries) is one of the ledger's own tables (migration 0007-webhooks), not the generation's. */
  readonly migrations = { 'v1-tables': { up: (db: Kysely<unknown>) => createAlertTables(db as Kysely<AlertTables>, randomUUID()) } };

  async prepare(db: ReadModelDb<AlertTables>, events: readonly StoredLedgerEvent[], context: ProjectionContext): Promise<void> {
    const token = await tokenOf(db.kysely);
    const recorded = await recordedPositions(db.kysely, events);
    for (const accountId of new Set(events.map(accountOf))) {
      const at = recorded.get(accountId);
      if (at !== undefined) {
        if (!MonitorCache.isAt(this.#monitors.get(token, accountId), at)) {
          this.#monitors.set(token, accountId, await this.#load(accountId, context.leaseMs, at));
        }
        continue;
      }
      const firstRule = events.find((e) => e.type === 'AlertRuleCreated' && accountOf(e) === accountId);
      if (firstRule) {
        const { monitor } = await this.#load(accountId, context.leaseMs, firstRule.position, { exclusive: true });
        this.#starting.set(`${token}/${accountId}`, { monitor, before: firstRule.position });
      }
    }
  }

  async apply(db: ReadModelDb<AlertTables>, events: readonly StoredLedgerEvent[]): Promise<void> {
    const trx = db.kysely;
    const token = await tokenOf(trx);
    const recorded = await recordedPositions(trx, events);
    const folding = new Map<string, CachedMonitor>();
    const writes = new AlertWrites();
    for (const stored of events) {
      const accountId = accountOf(stored);
      const event = asLedgerEvent(stored);
      writes.event(accountId, stored, event);
      const entry = folding.get(accountId) ?? this.#take(token, accountId, stored, recorded.get(accountId));
      if (!entry) continue;
      if (!folding.has(accountId)) {
        entry.position = null; // mid-fold: not to be trusted until this batch commits and says where it is
        folding.set(accountId, entry);
      }
      writes.transitions(accountId, stored, entry.monitor.fold(event, formatPosition(stored.position)!));
      this.#lastFolded.set(entry, stored.position);
    }
    await writes.flush(trx);
    const positions = [...folding].map(([accountId, entry]) => ({ account_id: accountId, position: formatPosition(this.#lastFolded.get(entry)!)! }));
    if (positions.length > 0) {
      await trx
        .insertInto('alert_accounts')
        .values(positions)
        .onConflict((conflict) => conflict.column('account_id').doUpdateSet((eb) => ({ position: eb.ref('excluded.position') })))
        .execute();
    }
    // If the transaction then fails, the recorded positions stay behind these and the monitors are rebuilt.
    for (const entry of folding.values()) entry.position = this.#lastFolded.get(entry)!;
  }

  readonly #lastFolded = new WeakMap<CachedMonitor, LogPosition>();

  /** The monitor to fold `stored` into: the account's, if it is tracked (and at the recorded position), or a new one at its first rule. */
  #take(token: string, accountId: string, stored: StoredLedgerEvent, recorded: LogPosition | undefined): CachedMonitor | undefined {
    if (recorded !== undefined) {
      const cached = this.#monitors.get(token, accountId);
      if (!MonitorCache.isAt(cached, recorded)) {
        throw new Error(`the alert monitor of account '${accountId}' is not at ${formatPosition(recorded)}: the batch is folded again`);
      }
      return cached;
    }
    if (stored.type !== 'AlertRuleCreated') return undefined;
    const key = `${token}/${accountId}`;
    const starting = this.#starting.get(key);
    this.#starting.delete(key);
    if (!starting || comparePositions(starting.before, stored.position) !== 0) {
      throw new Error(`the alert monitor of account '${accountId}' was not prepared for its first rule: the batch is folded again`);
    }
    const entry: CachedMonitor = { monitor: starting.monitor, position: null };
    this.#monitors.set(token, accountId, entry);
    return entry;
  }

  /** A monitor of the account's events up to `position` (before it, if exclusive), read from its stream. */
  async #load(accountId: string, leaseMs: number, position: LogPosition, options: { exclusive?: boolean } = {}): Promise<CachedMonitor> {
    const monitor = new AlertMonitor(leaseMs);
    let last: LogPosition | null = null;
    for (const stored of await readAccountEvents(this.store, accountId, { upTo: position })) {
      if (options.exclusive && comparePositions(stored.position, position) >= 0) break;
      monitor.fold(asLedgerEvent(stored), formatPosition(stored.position)!);
      last = stored.position;
    }
    return { monitor, position: last };
  }
}

async function tokenOf(db: Kysely<AlertTables>): Promise<string> {
  return (await db.selectFrom('alert_generation').select('token').executeTakeFirstOrThrow()).token;
}

/** The recorded position of each tracked account among the events' accounts. */
async function recordedPositions(db: Kysely<AlertTables>, events: readonly StoredLedgerEvent[]): Promise<Map<string, LogPosition>> {
  const accounts = [...new Set(events.map(accountOf))];
  const rows = await db.selectFrom('alert_accounts').select(['account_id', 'position']).where('account_id', 'in', accounts).execute();
  return new Map(rows.map((row) => [row.account_id, parsePosition(row.position)]));
}
