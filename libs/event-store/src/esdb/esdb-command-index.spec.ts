import type { StoredEvent } from '../event-store.js';
import { StreamCommandIndex } from './esdb-command-index.js';

/** A stream in memory, read as the adapter reads EventStoreDB: from a revision, at most `maxCount`. */
function memoryStream() {
  const events: StoredEvent[] = [];
  let reads = 0;
  return {
    events,
    reads: () => reads,
    append(commandId: string | null, count = 1) {
      for (let i = 0; i < count; i++) {
        const revision = BigInt(events.length);
        events.push({
          eventId: `e${revision}`,
          type: 'UserLoggedIn',
          data: {},
          metadata: {
            commandId,
            correlationId: 'c',
            causationId: null,
            actor: 'a',
            occurredAt: '2026-01-06T13:00:00.000Z',
            schemaVersion: 1,
            recordedAt: '',
          },
          streamId: 's',
          streamRevision: revision,
          position: { commit: revision, prepare: revision },
        });
      }
    },
    read: async (_: string, from: bigint, maxCount: number) => {
      reads++;
      await Promise.resolve();
      return events.slice(Number(from), Number(from) + maxCount);
    },
  };
}

const revisionsOf = (found: Map<string, StoredEvent[]>) =>
  Object.fromEntries([...found].map(([id, events]) => [id, events.map((e) => Number(e.streamRevision))]));

describe('the EventStoreDB command index', () => {
  test("answers each commandId's events, and sees what was appended after it was built", async () => {
    const stream = memoryStream();
    stream.append('a', 2);
    stream.append(null);
    stream.append('b');
    const index = new StreamCommandIndex(stream.read);
    expect(revisionsOf(await index.find('s', ['a', 'b', 'c']))).toEqual({ a: [0, 1], b: [3] });
    stream.append('c', 3);
    expect(revisionsOf(await index.find('s', ['c', 'a']))).toEqual({ c: [4, 5, 6], a: [0, 1] });
  });

  test('a stream longer than a page is indexed whole; lookups at once index each event once', async () => {
    const stream = memoryStream();
    for (let i = 0; i < 10_000; i++) stream.append(`cmd-${i}`, (i % 2) + 1);
    const index = new StreamCommandIndex(stream.read);
    const [x, y] = await Promise.all([index.find('s', ['cmd-0', 'cmd-9999']), index.find('s', ['cmd-5000', 'cmd-1'])]);
    expect(revisionsOf(x)).toEqual({ 'cmd-0': [0], 'cmd-9999': [14998, 14999] });
    expect(revisionsOf(y)).toEqual({ 'cmd-5000': [7500], 'cmd-1': [1, 2] });
    // Caught up: the next lookup reads one empty page and the events it answers.
    const before = stream.reads();
    expect(revisionsOf(await index.find('s', ['cmd-3']))).toEqual({ 'cmd-3': [4, 5] });
    expect(stream.reads() - before).toBe(2);
  });
});
