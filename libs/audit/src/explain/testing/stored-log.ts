import type { EventStore, StoredEvent } from '../../../../event-store/src/event-store.js';

/** A read-only event store over a log already in memory (what explain reads: one account's stream). */
export function storedLog(events: readonly StoredEvent[]): EventStore {
  const unsupported = (): never => {
    throw new Error('storedLog is read-only: it only answers readStream');
  };
  return {
    kind: 'memory',
    storeId: 'memory',
    maxAppendBytes: null,
    readStream: async (streamId: string, fromRevision = 0n) => events.filter((e) => e.streamId === streamId && e.streamRevision >= fromRevision),
    readCommandEvents: unsupported,
    appendToStream: unsupported,
    readAll: unsupported,
    subscribeToAll: unsupported,
    headPosition: async () => events.at(-1)?.position ?? null,
    close: async () => {},
  };
}
