import { createEventStore } from '../../libs/event-store/src/create-event-store.js';
import type { EventStore, StoredEvent } from '../../libs/event-store/src/event-store.js';
import { IN_MEMORY, openDatabase, type LedgerDatabase } from '../../libs/database/src/database.js';

export interface HistoryStore {
  readonly store: EventStore;
  /** Appends more events of a history (e.g. from `storedHistory`) to their streams, in order. */
  append(events: readonly StoredEvent[]): Promise<void>;
  close(): Promise<void>;
}

/** An event store (PGlite in memory, or the given database) holding `events`, appended stream by stream in order. */
export async function historyStore(events: readonly StoredEvent[], database?: LedgerDatabase): Promise<HistoryStore> {
  const db = database ?? (await openDatabase({ dataDir: IN_MEMORY }));
  const store = await createEventStore({ database: db });
  /** Runs of consecutive events of one stream, up to 1,000, go in one append. */
  const append = async (more: readonly StoredEvent[]) => {
    for (let i = 0; i < more.length;) {
      const first = more[i]!;
      let end = i + 1;
      while (end < more.length && end - i < 1000 && more[end]!.streamId === first.streamId) end += 1;
      const batch = more.slice(i, end).map(({ eventId, type, data, metadata }) => ({ eventId, type, data, metadata }));
      await store.appendToStream(first.streamId, first.streamRevision === 0n ? 'no_stream' : first.streamRevision - 1n, batch);
      i = end;
    }
  };
  await append(events);
  return {
    store,
    append,
    close: async () => {
      await store.close();
      if (!database) await db.close();
    },
  };
}
