import { createEventStore } from '../../libs/event-store/src/create-event-store.js';
import type { EventStore, StoredEvent } from '../../libs/event-store/src/event-store.js';
import { IN_MEMORY, openDatabase, type LedgerDatabase } from '../../libs/read-store/src/database.js';

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
  const append = async (more: readonly StoredEvent[]) => {
    for (const e of more) {
      const { eventId, type, data, metadata } = e;
      await store.appendToStream(e.streamId, e.streamRevision === 0n ? 'no_stream' : e.streamRevision - 1n, [{ eventId, type, data, metadata }]);
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
