import { MaxAppendSizeExceededError, NotLeaderError } from '@eventstore/db-client';
import { AppendTooLargeError, StreamHistoryLostError, WrongExpectedRevisionError, type EventStore, type StoredEvent } from '../event-store.js';
import { testEvent } from '../testing/event-store-probes.js';
import { openEsdbEventStore } from './esdb-event-store.js';
import { caughtUp, NO_POSITION, notLeaderError, readResp, StubEsdbClient } from './testing/stub-esdb-client.js';

/**
 * The adapter against what a real server cannot be made to do here: a stub in place of the client,
 * built on the client's own read transforms, messages and errors (see StubEsdbClient).
 */
describe('EventStoreDB adapter against a stubbed client', () => {
  let client: StubEsdbClient;
  let store: EventStore;

  beforeEach(async () => {
    client = new StubEsdbClient();
    store = await openEsdbEventStore(client, { streamPrefix: 'ledger' });
  });

  afterEach(() => store.close());

  const rejection = (promise: Promise<unknown>): Promise<unknown> =>
    promise.then(
      () => new Error('expected a rejection'),
      (error: unknown) => error,
    );

  async function collect(iterable: AsyncIterable<StoredEvent[]>, until: (batches: StoredEvent[][]) => boolean, stop: AbortController) {
    const batches: StoredEvent[][] = [];
    for await (const batch of iterable) {
      batches.push(batch);
      if (until(batches)) stop.abort();
    }
    return batches;
  }

  test("writes under the ledger's prefix, reads without it, and never hands over other streams", async () => {
    await store.appendToStream('account-acme', 'no_stream', [testEvent('AccountOpened')]);
    client.record('orders-1', 'OrderPlaced');
    client.record('ledger2.account-acme', 'AccountOpened');
    client.record('$$ledger.account-acme', '$metadata');

    expect(client.log.filter((e) => e.type === 'AccountOpened').map((e) => e.stream)).toEqual(['ledger.account-acme', 'ledger2.account-acme']);
    expect((await store.readStream('account-acme')).map((e) => e.streamId)).toEqual(['account-acme']);
    expect((await store.readAll({ after: null, limit: 10 })).map((e) => [e.streamId, e.type])).toEqual([['account-acme', 'AccountOpened']]);
    expect(await store.headPosition()).toEqual((await store.readStream('account-acme'))[0].position);
  });

  test("keeps the log's identity in $$<prefix>.ledger: created once, found again", async () => {
    const again = await openEsdbEventStore(client, { streamPrefix: 'ledger' });
    const other = await openEsdbEventStore(client, { streamPrefix: 'other' });
    expect(again.storeId).toBe(store.storeId);
    expect(other.storeId).not.toBe(store.storeId);
    expect(client.log.filter((e) => e.stream.endsWith('.ledger')).map((e) => [e.stream, e.type])).toEqual([
      ['$$ledger.ledger', '$metadata'],
      ['$$other.ledger', '$metadata'],
    ]);
  });

  test('takes an append answered with success: false (throwOnAppendFailure=false) as a conflict', async () => {
    client.answerAppend = () => ({ success: false, nextExpectedRevision: 1n, position: undefined });
    const error = await rejection(store.appendToStream('account-acme', 'no_stream', [testEvent('AccountOpened')]));
    expect(error).toBeInstanceOf(WrongExpectedRevisionError);
    expect(error).toMatchObject({ streamId: 'account-acme', expected: 'no_stream', actual: 'unknown' });
  });

  test('answers an append with the position the server gave, read on the leader, without reading it back', async () => {
    const appended = await store.appendToStream('account-acme', 'no_stream', [testEvent('AccountOpened'), testEvent('LicensesPurchased')]);
    const last = client.log[client.log.length - 1];
    expect(appended).toEqual({ nextExpectedRevision: 1n, position: { commit: last.commit, prepare: last.prepare } });
    expect(client.calls.readStream).toBe(1); // the identity, at start
    expect(client.appendOptions.every((options) => options.requiresLeader === true)).toBe(true);
  });

  test('reads the event back only when the server gives no position (2^64−1)', async () => {
    client.answerAppend = (result) => ({ ...result, position: { commit: NO_POSITION, prepare: NO_POSITION } });
    const appended = await store.appendToStream('account-acme', 'no_stream', [testEvent('AccountOpened')]);
    expect(appended.position).toEqual({ commit: client.log[1].commit, prepare: client.log[1].prepare });
    expect(client.calls.readStream).toBe(2);
  });

  test('refuses events that come without a log position (2^64−1, as before 22.6) with a clear error', async () => {
    await store.appendToStream('account-acme', 'no_stream', [testEvent('AccountOpened')]);
    client.log[1].commit = NO_POSITION;
    client.log[1].prepare = NO_POSITION;
    await expect(store.readStream('account-acme')).rejects.toThrow(/came without its log position: the server is older than EventStoreDB 24.2/);
    await expect(store.readAll({ after: null, limit: 10 })).rejects.toThrow(/without its log position/);
  });

  test('tries once more on the leader after NotLeader, and gives up after a second one', async () => {
    expect(notLeaderError()).toBeInstanceOf(NotLeaderError);
    client.failNext('append', notLeaderError());
    expect((await store.appendToStream('account-acme', 'no_stream', [testEvent('AccountOpened')])).nextExpectedRevision).toBe(0n);
    expect(client.calls.append).toBe(3); // the identity, then two tries

    client.failNext('readStream', notLeaderError());
    expect(await store.readStream('account-acme')).toHaveLength(1);

    client.failNext('append', notLeaderError());
    client.failNext('append', notLeaderError());
    await expect(store.appendToStream('account-acme', 0n, [testEvent('LicensesPurchased')])).rejects.toBeInstanceOf(NotLeaderError);
    expect(client.log.filter((e) => e.stream === 'ledger.account-acme')).toHaveLength(1);
  });

  test('refuses appends over 1 MiB itself, and maps a server that takes less to the same error', async () => {
    const big = [testEvent('Large', { text: 'x'.repeat(1_100_000) })];
    await expect(store.appendToStream('account-acme', 'no_stream', big)).rejects.toBeInstanceOf(AppendTooLargeError);
    expect(client.calls.append).toBe(1); // the identity only

    client.failNext('append', MaxAppendSizeExceededError.fromMaxAppendSize(65_536));
    const error = await rejection(store.appendToStream('account-acme', 'no_stream', [testEvent('Medium', { text: 'x'.repeat(100_000) })]));
    expect(error).toBeInstanceOf(AppendTooLargeError);
    expect(error).toMatchObject({ maxBytes: 65_536 });
  });

  test('detects a stream whose first events were truncated or soft-deleted', async () => {
    await store.appendToStream('account-acme', 'no_stream', [testEvent('AccountOpened'), testEvent('LicensesPurchased')]);
    client.log.splice(1, 1); // $tb / $maxCount: revision 0 is gone from reads
    await expect(store.readStream('account-acme')).rejects.toThrow(StreamHistoryLostError);
    await expect(store.readStream('account-acme')).rejects.toThrow(/revision 0 is missing \(the read found 1\)/);

    // A soft-deleted stream takes `no_stream` and carries on at its old revisions.
    client.answerAppend = (result) => ({ ...result, nextExpectedRevision: 7n });
    await expect(store.appendToStream('account-gone', 'no_stream', [testEvent('AccountOpened')])).rejects.toThrow(/had been soft-deleted/);
  });

  test('fills batches up to batchSize for a reader behind the log (the client buffers only 16)', async () => {
    for (let i = 0; i < 1_200; i++) client.record('ledger.account-acme', 'Backlog', { i });
    const stop = new AbortController();
    const batches = await collect(
      store.subscribeToAll({ after: null, batchSize: 500, signal: stop.signal }),
      (got) => got.flat().length >= 1_200,
      stop,
    );
    expect(batches.map((batch) => batch.length)).toEqual([500, 500, 200]);
    expect(batches.flat().map((e) => e.data.i)).toEqual(Array.from({ length: 1_200 }, (_, i) => i));
  });

  test('hands over what it has as soon as the server says the subscription is live', async () => {
    for (let i = 0; i < 3; i++) client.record('ledger.account-acme', 'Early', { i });
    const stop = new AbortController();
    const started = Date.now();
    const subscription = store.subscribeToAll({ after: null, batchSize: 500, signal: stop.signal })[Symbol.asyncIterator]();
    const first = subscription.next();
    await new Promise((resolve) => setImmediate(resolve));
    client.feed!.write(caughtUp());
    expect((await first).value).toHaveLength(3);
    expect(Date.now() - started).toBeLessThan(1_000);
    stop.abort();
    await subscription.return?.();
  });

  test('drops an event the server delivers again', async () => {
    const first = client.record('ledger.account-acme', 'Once', { i: 0 });
    const second = client.record('ledger.account-acme', 'Once', { i: 1 });
    const stop = new AbortController();
    const done = collect(store.subscribeToAll({ after: null, signal: stop.signal }), (got) => got.flat().length >= 3, stop);
    await new Promise((resolve) => setTimeout(resolve, 20));
    client.feed!.write(readResp(first));
    client.feed!.write(readResp(second));
    const third = client.record('ledger.account-acme', 'Once', { i: 2 });
    client.feed!.write(readResp(third));
    client.feed!.write(caughtUp());
    expect((await done).flat().map((e) => e.data.i)).toEqual([0, 1, 2]);
  });

  test('crosses system and other events in few reads when reading the log in pages', async () => {
    for (let i = 0; i < 200; i++) {
      client.record('ledger.account-acme', 'Counted', { i });
      client.record('$stats-127.0.0.1:2113', '$statsCollected');
      client.record('orders-1', 'OrderPlaced');
      client.record('$$orders-1', '$metadata');
    }
    const calls = client.calls.readAll;
    const read: StoredEvent[] = [];
    for (
      let page = await store.readAll({ after: null, limit: 50 });
      page.length > 0;
      page = await store.readAll({ after: page[49]?.position ?? page.at(-1)!.position, limit: 50 })
    ) {
      read.push(...page);
    }
    expect(read.map((e) => e.data.i)).toEqual(Array.from({ length: 200 }, (_, i) => i));
    expect(client.calls.readAll - calls).toBeLessThanOrEqual(14);
  });

  test('lets an append under way finish on close(), refuses new ones, then closes the client', async () => {
    let open!: () => void;
    client.appendGate = new Promise((resolve) => (open = resolve));
    const append = store.appendToStream('account-acme', 'no_stream', [testEvent('AccountOpened')]);
    await new Promise((resolve) => setImmediate(resolve));
    const closing = store.close();
    await expect(store.appendToStream('account-other', 'no_stream', [testEvent('AccountOpened')])).rejects.toThrow(/the event store is closed/);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(client.closed).toBe(false);
    open();
    expect((await append).nextExpectedRevision).toBe(0n);
    await closing;
    expect(client.closed).toBe(true);
  });

  test('refuses a server older than 24.2, or one that does not say its version', async () => {
    for (const version of ['24.1.0.0', '23.10.8', '22.6.0.0', 'unknown']) {
      const old = new StubEsdbClient();
      old.version = version;
      await expect(openEsdbEventStore(old, { streamPrefix: 'ledger' })).rejects.toThrow(/the ledger needs (EventStoreDB )?24\.2 or later/);
      expect(old.closed).toBe(true);
    }
    for (const version of ['24.2.0.0', '24.10.13', '25.0.1']) {
      const current = new StubEsdbClient();
      current.version = version;
      await (await openEsdbEventStore(current, { streamPrefix: 'ledger' })).close();
    }
  });
});
