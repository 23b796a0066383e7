import type { StoredEvent } from '../../libs/event-store/src/event-store.js';
import { sql } from 'kysely';
import { appendEvents } from '../../libs/event-store/src/sql/append-events.js';
import type { EventStoreTables } from '../../libs/event-store/src/sql/event-tables.js';
import { readGenerations } from '../../projections/engine/registry.js';
import { CountingProjection } from '../projections/support/counting-projection.js';
import { appendTypes, newEngine, newEvent, openBackend, readCounts, readLog, type Backend } from '../projections/support/projection-fixture.js';
import { pollUntil } from './support/ledger-process.js';

/** Long enough for an idle subscriber (polls at most 250 ms apart) and a runner to look several times. */
const OBSERVE_MS = 800;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A transaction that took its id early and commits late (here it appends an event, then waits)
 * holds every reader of the global log back: they stop below it rather than skip its event, and
 * get everything, in log order, once it ends.
 */
describe('a long-running transaction elsewhere holds the global log back', () => {
  let backend: Backend;

  beforeAll(async () => {
    backend = await openBackend('postgres', 'fault_held');
  });

  afterAll(async () => {
    await backend?.close();
  });

  test('a subscriber and a projection runner wait for it, then receive every event, none skipped', async () => {
    const { store, db } = backend;
    const before = await appendTypes(store, ['A']);
    const counter = new CountingProjection({ eventTypes: ['A', 'B', 'C'] });
    const engine = newEngine(backend, [counter]);
    const received: StoredEvent[] = [];
    const stop = new AbortController();
    const subscribed = (async () => {
      for await (const batch of store.subscribeToAll({ after: null, signal: stop.signal })) received.push(...batch);
    })();

    const peer = await backend.openPeer();
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let began!: () => void;
    const holding = new Promise<void>((resolve) => (began = resolve));
    const held = peer.db
      .kysely<EventStoreTables>()
      .transaction()
      .execute(async (trx) => {
        await sql`SELECT pg_current_xact_id()`.execute(trx);
        await appendEvents(trx, 'account-held', 'no_stream', [newEvent('B')]);
        began();
        await released;
      });
    try {
      await holding;
      for (const type of ['A', 'C', 'A']) await appendTypes(store, [type]);
      await engine.start();

      // Everything committed before the held transaction began is delivered…
      await pollUntil('the subscriber to receive the first event', async () => (received.length > 0 ? true : undefined), 10_000);
      const folded = async () => (await readGenerations(db.kysely(), ['counter'])).find((g) => g.status === 'active');
      await pollUntil('the runner to fold the first event', async () => ((await folded())?.eventsSeen === 1 ? true : undefined), 10_000);
      // …and nothing after it, however long it stays open.
      expect(await store.headPosition()).toEqual(before);
      expect(await store.readAll({ after: before, limit: 10 })).toEqual([]);
      await pause(OBSERVE_MS);
      expect(received.map((e) => e.position)).toEqual([before]);
      expect((await folded())?.position).toEqual(before);
    } finally {
      release();
      await held;
    }

    const log = await readLog(store);
    expect(log).toHaveLength(5);
    await pollUntil('the subscriber to receive every event', async () => (received.length >= log.length ? true : undefined), 10_000);
    await pollUntil(
      'the runner to fold every event',
      async () =>
        (await readGenerations(db.kysely(), ['counter'])).find((g) => g.status === 'active')?.eventsFolded === log.length ? true : undefined,
      10_000,
    );
    stop.abort();
    await subscribed;

    // The held transaction's event comes second: its transaction id is lower than the later appends'.
    expect(received.map((e) => e.eventId)).toEqual(log.map((e) => e.eventId));
    expect(log.map((e) => e.type)).toEqual(['A', 'B', 'A', 'C', 'A']);
    expect(await readCounts(engine)).toEqual({ A: 3, B: 1, C: 1 });
    await engine.stop();
  });
});
