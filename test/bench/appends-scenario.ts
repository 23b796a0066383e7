import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import type { LedgerDatabase } from '../../libs/database/src/ledger-database.js';
import { openDatabase } from '../../libs/database/src/database.js';
import type { EventStore, NewEvent } from '../../libs/event-store/src/event-store.js';
import { appendEvents } from '../../libs/event-store/src/sql/append-events.js';
import type { EventStoreTables } from '../../libs/event-store/src/sql/event-tables.js';
import { createSqlEventStore } from '../../libs/event-store/src/sql/sql-event-store.js';
import { log, onCleanup, round } from './bench-support.js';

/**
 * appends-postgres: appends of one event each, by 1 and by 8 concurrent writers (each on a stream of
 * its own, with its expected revision), for a few seconds per variant, the variants interleaved in
 * rounds (their order rotated each round) against the same server:
 *   insert   a one-row INSERT into a table shaped like `events`: the floor of a round trip and a commit
 *   trigger  the store's append with the NOTIFY trigger of migration 0001 in place, as before 0008
 *   store    the store's append as it is (NOTIFY after the commit, at most once per interval)
 * Ratios are taken per round (paired), then their median.
 */

export interface AppendsOptions {
  readonly databaseUrl: string;
  readonly rounds: number;
  readonly seconds: number;
  readonly writers: readonly number[];
}

const VARIANTS = ['insert', 'trigger', 'store'] as const;
type Variant = (typeof VARIANTS)[number];

export interface AppendsVariantResult {
  readonly writers: number;
  /** Appends per second, median of the rounds, and every round's figure. */
  readonly appendsPerSecond: Record<Variant, number>;
  readonly rounds: Record<Variant, number[]>;
  /** Medians of the per-round ratios. */
  readonly storeVsTrigger: number;
  readonly storeVsInsert: number;
  readonly triggerVsInsert: number;
}

export interface AppendsResult {
  readonly secondsPerVariant: number;
  readonly rounds: number;
  readonly byWriters: AppendsVariantResult[];
}

type AppendOnce = (stream: string, expected: bigint | 'no_stream', event: NewEvent) => Promise<void>;

export async function runAppendsScenario(options: AppendsOptions): Promise<AppendsResult> {
  const suffix = `${Date.now().toString(36)}_${process.pid}`;
  const opened: LedgerDatabase[] = [];
  const schemas = [`bench_appends_store_${suffix}`, `bench_appends_trigger_${suffix}`];
  const dispose = onCleanup(async () => {
    for (const db of opened) await db.close().catch(() => undefined);
    const client = new pg.Client({ connectionString: options.databaseUrl });
    await client.connect();
    try {
      for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    } finally {
      await client.end();
    }
  });
  try {
    const current = await openDatabase({ databaseUrl: options.databaseUrl, schema: schemas[0] });
    opened.push(current);
    const withTrigger = await openDatabase({ databaseUrl: options.databaseUrl, schema: schemas[1] });
    opened.push(withTrigger);
    await restoreNotifyTrigger(withTrigger);
    await sql`CREATE TABLE insert_floor (LIKE events INCLUDING DEFAULTS INCLUDING INDEXES)`.execute(current.kysely());
    const store: EventStore = await createSqlEventStore(current);
    const triggerDb = withTrigger.kysely<EventStoreTables>();

    const appendOnce: Record<Variant, AppendOnce> = {
      insert: async (stream, expected, event) => {
        await sql`INSERT INTO insert_floor (stream_id, stream_revision, event_id, type, data, metadata)
          VALUES (${stream}, ${expected === 'no_stream' ? '0' : String(expected + 1n)}::bigint, ${event.eventId}::uuid, ${event.type},
            ${JSON.stringify(event.data)}::jsonb, ${JSON.stringify(event.metadata)}::jsonb)`.execute(current.kysely());
      },
      trigger: async (stream, expected, event) => {
        await appendEvents(triggerDb, stream, expected, [event]);
      },
      store: async (stream, expected, event) => {
        await store.appendToStream(stream, expected, [event]);
      },
    };

    const byWriters: AppendsVariantResult[] = [];
    for (const writers of options.writers) {
      const rounds: Record<Variant, number[]> = { insert: [], trigger: [], store: [] };
      for (let round = 0; round < options.rounds; round++) {
        const order = VARIANTS.map((_, i) => VARIANTS[(i + round) % VARIANTS.length]);
        for (const variant of order) {
          const rate = await measure(appendOnce[variant], `${variant}-w${writers}-r${round}`, writers, options.seconds);
          rounds[variant].push(rate);
          log('appends-postgres', `${writers} writer(s), round ${round + 1}/${options.rounds}, ${variant}: ${Math.round(rate)} appends/s`);
        }
      }
      const ratio = (a: Variant, b: Variant) => round(median(rounds[a].map((x, i) => x / rounds[b][i])), 3);
      byWriters.push({
        writers,
        appendsPerSecond: {
          insert: Math.round(median(rounds.insert)),
          trigger: Math.round(median(rounds.trigger)),
          store: Math.round(median(rounds.store)),
        },
        rounds: { insert: rounds.insert.map(Math.round), trigger: rounds.trigger.map(Math.round), store: rounds.store.map(Math.round) },
        storeVsTrigger: ratio('store', 'trigger'),
        storeVsInsert: ratio('store', 'insert'),
        triggerVsInsert: ratio('trigger', 'insert'),
      });
    }
    await store.close();
    return { secondsPerVariant: options.seconds, rounds: options.rounds, byWriters };
  } finally {
    await dispose();
  }
}

/** The statement-level trigger of migration 0001 (dropped by 0008), as a database that ran 0001–0007 has it. */
async function restoreNotifyTrigger(db: LedgerDatabase): Promise<void> {
  await sql`CREATE FUNCTION notify_events_appended() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('ledger_events_appended', '');
      RETURN NULL;
    END $$`.execute(db.kysely());
  await sql`CREATE TRIGGER events_appended AFTER INSERT ON events FOR EACH STATEMENT EXECUTE FUNCTION notify_events_appended()`.execute(db.kysely());
}

/** `writers` loops appending one event at a time to a stream each, for `seconds`; appends per second in all. */
async function measure(appendOnce: AppendOnce, label: string, writers: number, seconds: number): Promise<number> {
  const until = performance.now() + seconds * 1000;
  const started = performance.now();
  const counts = await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      const stream = `account-${label}-${w}-${randomUUID()}`;
      let expected: bigint | 'no_stream' = 'no_stream';
      let appended = 0;
      while (performance.now() < until) {
        await appendOnce(stream, expected, {
          eventId: randomUUID(),
          type: 'UserActivityRecorded',
          data: { userId: `user-${w}`, application: 'cad' },
          metadata: {
            commandId: randomUUID(),
            correlationId: label,
            causationId: null,
            actor: 'bench',
            occurredAt: new Date().toISOString(),
            schemaVersion: 1,
          },
        });
        expected = expected === 'no_stream' ? 0n : expected + 1n;
        appended++;
      }
      return appended;
    }),
  );
  return counts.reduce((a, b) => a + b, 0) / ((performance.now() - started) / 1000);
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
