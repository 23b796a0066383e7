/// <reference types="jest" />
import { randomUUID } from 'node:crypto';
import {
  AppendTooLargeError,
  appendSize,
  comparePositions,
  WrongExpectedRevisionError,
  type EventStore,
  type NewEvent,
  type StoredEvent,
} from './event-store.js';
import { isInLogOrder, logEventsOf, probeSubscription, sleep, testEvent } from './testing/event-store-probes.js';

/** How the contract reaches an adapter, and what else the server it runs on can hold. */
export interface ContractTarget {
  /**
   * A store for one ledger. Without `namespace`, the store under test; with one, another ledger's
   * store on the same server (another schema, or another EventStoreDB stream prefix).
   */
  open(namespace?: string): Promise<EventStore>;
  /**
   * Writes, after everything else, what the server holds besides the ledgers' events and no reader
   * may receive: on EventStoreDB a system event and another application's stream; on SQL another
   * ledger's events on the same server.
   */
  appendOthers(label: string): Promise<void>;
}

/**
 * The behaviour every EventStore adapter must have, registered as jest tests. `open` runs once
 * before them. The store may hold other events (a shared EventStoreDB, earlier tests), so each test
 * writes streams of its own and looks only at those.
 */
export function describeEventStoreContract(name: string, target: ContractTarget): void {
  describe(`${name} event store contract`, () => {
    let store: EventStore;
    const run = randomUUID().slice(0, 8);
    let streams = 0;
    const newStream = (label: string): string => `contract_${run}-${label}-${++streams}`;
    const ids = (events: readonly (NewEvent | StoredEvent)[]): string[] => events.map((event) => event.eventId);
    const rejection = (promise: Promise<unknown>): Promise<unknown> =>
      promise.then(
        () => new Error('expected the append to be rejected'),
        (error: unknown) => error,
      );

    beforeAll(async () => {
      store = await target.open();
    });

    afterAll(() => store?.close());

    test("finds a stream's events by their commandId, in one call for many ids, whoever appended them", async () => {
      const stream = newStream('by-command');
      const other = newStream('by-command-other');
      const withCommand = (commandId: string | null): NewEvent => {
        const event = testEvent('UserLoggedIn', { userId: 'u1' });
        return { ...event, metadata: { ...event.metadata, commandId } };
      };
      const twice = [withCommand('c-1'), withCommand('c-1')];
      await store.appendToStream(stream, 'no_stream', [...twice, withCommand(null)]);
      await store.appendToStream(other, 'no_stream', [withCommand('c-2')]);
      expect(await store.readCommandEvents(stream, ['c-2', 'c-3'])).toEqual(new Map());
      // Asked before and after another append: the later one is seen.
      const later = withCommand('c-2');
      await store.appendToStream(stream, 2n, [later]);
      const found = await store.readCommandEvents(stream, ['c-1', 'c-2', 'c-3', 'c-1']);
      expect([...found.keys()].sort()).toEqual(['c-1', 'c-2']);
      expect(ids(found.get('c-1')!)).toEqual(ids(twice));
      expect(found.get('c-1')!.map((event) => event.streamRevision)).toEqual([0n, 1n]);
      expect(found.get('c-2')!).toEqual((await store.readStream(stream, 3n)).slice(0, 1));
      expect(ids(found.get('c-2')!)).toEqual(ids([later]));
      expect(await store.readCommandEvents(stream, [])).toEqual(new Map());
    });

    test('appends to a new stream and reads it back with data and metadata intact', async () => {
      const stream = newStream('read-back');
      const events = [
        testEvent('LicensesPurchased', { purchaseId: 'p1', product: 'KSE', quantity: 5, machineQuota: null }),
        testEvent('OrganizationCreated', { orgId: 'qa', name: 'Quality – Åutomation ✓', parentOrgId: null }),
        testEvent('SeatAssigned', { product: 'KSE', userId: 'u1', licenseSource: { kind: 'org', orgId: 'qa' }, tags: ['a', 1, true] }),
      ];
      const before = Date.now();
      const appended = await store.appendToStream(stream, 'no_stream', events);
      expect(appended.nextExpectedRevision).toBe(2n);

      const stored = await store.readStream(stream);
      expect(stored.map(({ eventId, type, data, streamId, streamRevision }) => ({ eventId, type, data, streamId, streamRevision }))).toEqual(
        events.map(({ eventId, type, data }, i) => ({ eventId, type, data, streamId: stream, streamRevision: BigInt(i) })),
      );
      for (const [i, event] of stored.entries()) {
        expect(event.metadata).toEqual({ ...events[i].metadata, recordedAt: expect.any(String) });
        expect(Date.parse(event.metadata.recordedAt)).toBeGreaterThanOrEqual(before - 1000);
        expect(Date.parse(event.metadata.recordedAt)).toBeLessThanOrEqual(Date.now() + 1000);
      }
      expect(isInLogOrder(stored)).toBe(true);
      expect(appended.position).toEqual(stored[2].position);

      const next = testEvent('SeatUnassigned', { product: 'KSE', userId: 'u1' });
      expect((await store.appendToStream(stream, 2n, [next])).nextExpectedRevision).toBe(3n);
      expect((await store.readStream(stream, 2n)).map((event) => [event.streamRevision, event.eventId])).toEqual([
        [2n, events[2].eventId],
        [3n, next.eventId],
      ]);
    });

    test('reads a stream in bounded pages from a revision, without gaps or repeats', async () => {
      const stream = newStream('bounded');
      const events = Array.from({ length: 7 }, (_, i) => testEvent('Counted', { i }));
      await store.appendToStream(stream, 'no_stream', events);

      const pages: StoredEvent[][] = [];
      for (let from = 0n; ;) {
        const page = await store.readStream(stream, from, 3);
        if (page.length === 0) break;
        expect(page.length).toBeLessThanOrEqual(3);
        pages.push(page);
        from = page[page.length - 1].streamRevision + 1n;
      }
      expect(pages.map((page) => page.length)).toEqual([3, 3, 1]);
      expect(ids(pages.flat())).toEqual(ids(events));
      expect(ids(await store.readStream(stream, 5n, 10))).toEqual(ids(events.slice(5)));
      await expect(store.readStream(stream, 0n, 0)).rejects.toThrow(RangeError);
    });

    test('reads a stream that was never written as empty', async () => {
      expect(await store.readStream(newStream('never-written'))).toEqual([]);
    });

    test("rejects 'no_stream' for an existing stream and appends nothing", async () => {
      const stream = newStream('exists');
      const first = [testEvent('First'), testEvent('Second')];
      await store.appendToStream(stream, 'no_stream', first);
      const head = await store.headPosition();

      const error = await rejection(store.appendToStream(stream, 'no_stream', [testEvent('Again')]));
      expect(error).toBeInstanceOf(WrongExpectedRevisionError);
      expect(error).toMatchObject({ streamId: stream, expected: 'no_stream', actual: 1n });
      expect(ids(await store.readStream(stream))).toEqual(ids(first));
      expect(await logEventsOf(store, head, [stream])).toEqual([]);
    });

    test('rejects a stale or future revision and appends nothing', async () => {
      const stream = newStream('stale');
      const first = [testEvent('First'), testEvent('Second')];
      await store.appendToStream(stream, 'no_stream', first);
      const head = await store.headPosition();

      for (const expected of [0n, 5n]) {
        const error = await rejection(store.appendToStream(stream, expected, [testEvent('Late')]));
        expect(error).toBeInstanceOf(WrongExpectedRevisionError);
        expect(error).toMatchObject({ streamId: stream, expected, actual: 1n });
      }
      expect(ids(await store.readStream(stream))).toEqual(ids(first));
      expect(await logEventsOf(store, head, [stream])).toEqual([]);

      const missing = newStream('missing');
      const error = await rejection(store.appendToStream(missing, 0n, [testEvent('Orphan')]));
      expect(error).toMatchObject({ streamId: missing, expected: 0n, actual: 'no_stream' });
      expect(await store.readStream(missing)).toEqual([]);
    });

    test('rejects an append of no events', async () => {
      await expect(store.appendToStream(newStream('empty'), 'no_stream', [])).rejects.toThrow(RangeError);
    });

    test('lets exactly one of 10 concurrent appends with the same expected revision win', async () => {
      const stream = newStream('race');
      const seed = testEvent('Seed');
      await store.appendToStream(stream, 'no_stream', [seed]);
      const attempts = Array.from({ length: 10 }, (_, i) => [testEvent('Attempt', { i }), testEvent('Attempt', { i })]);

      const results = await Promise.allSettled(attempts.map((events) => store.appendToStream(stream, 0n, events)));

      const winners = results.flatMap((result, i) => (result.status === 'fulfilled' ? [i] : []));
      expect(winners).toHaveLength(1);
      for (const result of results) {
        if (result.status === 'rejected') expect(result.reason).toBeInstanceOf(WrongExpectedRevisionError);
      }
      const stored = await store.readStream(stream);
      expect(ids(stored)).toEqual(ids([seed, ...attempts[winners[0]]]));
      expect(stored.map((event) => event.streamRevision)).toEqual([0n, 1n, 2n]);
    });

    test('lets exactly one of 10 concurrent creations of a stream win', async () => {
      const stream = newStream('create-race');
      const attempts = Array.from({ length: 10 }, (_, i) => [testEvent('Created', { i })]);

      const results = await Promise.allSettled(attempts.map((events) => store.appendToStream(stream, 'no_stream', events)));

      const winners = results.flatMap((result, i) => (result.status === 'fulfilled' ? [i] : []));
      expect(winners).toHaveLength(1);
      expect(results.filter((result) => result.status === 'rejected').map((result) => result.reason)).toEqual(
        Array(9).fill(expect.any(WrongExpectedRevisionError)),
      );
      expect(ids(await store.readStream(stream))).toEqual(ids(attempts[winners[0]]));
    });

    test('appends 1,000 events at once, in the same order in the stream and in the log', async () => {
      const stream = newStream('bulk');
      const events = Array.from({ length: 1000 }, (_, i) => testEvent('Bulk', { i }));
      const head = await store.headPosition();

      const appended = await store.appendToStream(stream, 'no_stream', events);

      expect(appended.nextExpectedRevision).toBe(999n);
      const stored = await store.readStream(stream);
      expect(stored.map((event) => event.data.i)).toEqual(events.map((_, i) => i));
      expect(isInLogOrder(stored)).toBe(true);
      expect(appended.position).toEqual(stored[999].position);
      expect(ids(await logEventsOf(store, head, [stream]))).toEqual(ids(events));
    });

    test('reads the global log in pages, in order, strictly after `after`', async () => {
      const [a, b] = [newStream('page-a'), newStream('page-b')];
      const start = await store.headPosition();
      const written: NewEvent[] = [];
      const append = async (stream: string, expected: 'no_stream' | bigint, count: number) => {
        const events = Array.from({ length: count }, (_, i) => testEvent('Paged', { stream, i }));
        await store.appendToStream(stream, expected, events);
        written.push(...events);
      };
      await append(a, 'no_stream', 2);
      await append(b, 'no_stream', 1);
      await append(a, 1n, 2);
      await append(b, 0n, 2);

      const pages: StoredEvent[][] = [];
      for (let after = start; ;) {
        const page = await store.readAll({ after, limit: 2 });
        if (page.length === 0) break;
        expect(page.length).toBeLessThanOrEqual(2);
        expect(comparePositions(page[0].position, after)).toBe(1);
        pages.push(page);
        after = page[page.length - 1].position;
      }
      const read = pages.flat();
      expect(isInLogOrder(read)).toBe(true);
      const ours = read.filter((event) => event.streamId === a || event.streamId === b);
      expect(ids(ours)).toEqual(ids(written));

      const afterThird = await store.readAll({ after: ours[2].position, limit: 1 });
      expect(ids(afterThird)).toEqual([written[3].eventId]);
    });

    test('subscribes from the start: every event once, in order, then later ones, until aborted', async () => {
      const stream = newStream('live');
      const early = [testEvent('Early', { i: 0 }), testEvent('Early', { i: 1 }), testEvent('Early', { i: 2 })];
      await store.appendToStream(stream, 'no_stream', early);

      const probe = probeSubscription(store, { after: null }, [stream]);
      await probe.waitFor(3);
      const late = [testEvent('Late', { i: 3 }), testEvent('Late', { i: 4 }), testEvent('Late', { i: 5 })];
      await store.appendToStream(stream, 2n, late.slice(0, 1));
      await store.appendToStream(stream, 3n, late.slice(1));
      await probe.waitFor(6);
      await sleep(100); // room for a duplicate to show up
      await probe.stop();

      expect(ids(probe.received)).toEqual(ids([...early, ...late]));
      expect(isInLogOrder(probe.batches.flat())).toBe(true);
    });

    test('subscribes from a stored position, exclusive, in batches no larger than asked', async () => {
      const stream = newStream('resume');
      const events = Array.from({ length: 4 }, (_, i) => testEvent('Resumed', { i }));
      await store.appendToStream(stream, 'no_stream', events);
      const checkpoint = (await store.readStream(stream))[1].position;

      const probe = probeSubscription(store, { after: checkpoint, batchSize: 2 }, [stream]);
      await probe.waitFor(2);
      const later = testEvent('Resumed', { i: 4 });
      await store.appendToStream(stream, 3n, [later]);
      await probe.waitFor(3);
      await sleep(100);
      await probe.stop();

      expect(ids(probe.received)).toEqual(ids([events[2], events[3], later]));
      expect(probe.batches.every((batch) => batch.length >= 1 && batch.length <= 2)).toBe(true);
      expect(comparePositions(probe.batches[0][0].position, checkpoint)).toBe(1);
    });

    test('ends a subscription whose signal is already aborted without yielding', async () => {
      const controller = new AbortController();
      controller.abort();
      const batches: StoredEvent[][] = [];
      for await (const batch of store.subscribeToAll({ after: null, signal: controller.signal })) batches.push(batch);
      expect(batches).toEqual([]);
    });

    test('reports the position of the newest event as the head', async () => {
      const appended = await store.appendToStream(newStream('head'), 'no_stream', [testEvent('Newest'), testEvent('Newest')]);
      expect(await store.headPosition()).toEqual(appended.position);
    });

    test('keeps each ledger to its own streams: the same stream id in two namespaces are two streams', async () => {
      const other = await target.open(`other_${run}`);
      try {
        const stream = newStream('shared-name');
        const start = await store.headPosition();
        const mine = [testEvent('Mine'), testEvent('Mine')];
        const theirs = [testEvent('Theirs')];
        await store.appendToStream(stream, 'no_stream', mine);
        const appended = await other.appendToStream(stream, 'no_stream', theirs);
        expect(appended.nextExpectedRevision).toBe(0n);

        expect(ids(await store.readStream(stream))).toEqual(ids(mine));
        expect(ids(await other.readStream(stream))).toEqual(ids(theirs));
        expect((await store.readStream(stream)).map((event) => event.streamId)).toEqual([stream, stream]);
        expect(ids(await logEventsOf(store, start, [stream]))).toEqual(ids(mine));
        expect(ids(await logEventsOf(other, null, [stream]))).toEqual(ids(theirs));
        expect(other.storeId).not.toBe(store.storeId);

        const probe = probeSubscription(other, { after: null }, [stream]);
        await probe.waitFor(1);
        await sleep(100);
        await probe.stop();
        expect(ids(probe.received)).toEqual(ids(theirs));
      } finally {
        await other.close();
      }
    });

    test("ignores what is not the ledger's (system events, other applications, other ledgers) in head, reads and subscriptions", async () => {
      const stream = newStream('before-others');
      const appended = await store.appendToStream(stream, 'no_stream', [testEvent('Last')]);
      await target.appendOthers(`others_${run}`);

      expect(await store.headPosition()).toEqual(appended.position);
      expect(await store.readAll({ after: appended.position, limit: 10 })).toEqual([]);
      const probe = probeSubscription(store, { after: appended.position }, []);
      await sleep(300);
      await probe.stop();
      expect(probe.batches).toEqual([]);
    });

    test('hands a reader behind the log full batches, up to the size it asked for', async () => {
      const stream = newStream('lagging');
      const start = await store.headPosition();
      const events = Array.from({ length: 1_200 }, (_, i) => testEvent('Backlog', { i }));
      await store.appendToStream(stream, 'no_stream', events);

      const probe = probeSubscription(store, { after: start, batchSize: 500 }, [stream]);
      await probe.waitFor(1_200);
      await probe.stop();
      expect(ids(probe.received)).toEqual(ids(events));
      expect(probe.batches.map((batch) => batch.length)).toEqual([500, 500, 200]);
    });

    test('appends 2 MB at once atomically, or refuses it whole as its maxAppendBytes says', async () => {
      const stream = newStream('two-mb');
      const events = Array.from({ length: 40 }, (_, i) => testEvent('Large', { i, text: 'x'.repeat(50_000) }));
      const bytes = appendSize(events);
      expect(bytes).toBeGreaterThan(2_000_000);
      const head = await store.headPosition();

      if (store.maxAppendBytes !== null && bytes > store.maxAppendBytes) {
        const error = await rejection(store.appendToStream(stream, 'no_stream', events));
        expect(error).toBeInstanceOf(AppendTooLargeError);
        expect(error).toMatchObject({ streamId: stream, bytes, maxBytes: store.maxAppendBytes });
        expect(await store.readStream(stream)).toEqual([]);
        expect(await logEventsOf(store, head, [stream])).toEqual([]);
      } else {
        const appended = await store.appendToStream(stream, 'no_stream', events);
        expect(appended.nextExpectedRevision).toBe(39n);
        const stored = await store.readStream(stream);
        expect(stored.map((event) => event.data.text)).toEqual(events.map((event) => event.data.text));
        expect(ids(await logEventsOf(store, head, [stream]))).toEqual(ids(events));
      }
    });
  });
}
