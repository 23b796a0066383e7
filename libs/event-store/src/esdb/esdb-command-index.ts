import type { StoredEvent } from '../event-store.js';

/** Events read per page while catching a stream's index up. */
const PAGE = 4_096;

interface StreamIndex {
  /** The revision the next event to index has. */
  next: bigint;
  /** commandId → the revisions of its events (a command's events are one run). */
  readonly spans: Map<string, { readonly first: bigint; count: number }>;
}

/**
 * `EventStore.readCommandEvents` for EventStoreDB, which cannot look events up by their metadata (its
 * `$by_correlation_id` projection would need the server's projections on, and keys on the correlation).
 * The adapter keeps, per stream it was asked about, which revisions each commandId's events occupy:
 * built by reading the stream once, caught up from where it stopped on every lookup, so an append by
 * any process committed before the lookup is seen. The events are then read by revision. Its memory
 * grows with the commands of the streams asked about (docs/decisions.md, "Command index in the database").
 */
export class StreamCommandIndex {
  readonly #streams = new Map<string, StreamIndex>();

  constructor(private readonly readStream: (streamId: string, fromRevision: bigint, maxCount: number) => Promise<StoredEvent[]>) {}

  async find(streamId: string, commandIds: readonly string[]): Promise<Map<string, StoredEvent[]>> {
    const found = new Map<string, StoredEvent[]>();
    if (commandIds.length === 0) return found;
    const index = await this.#caughtUp(streamId);
    for (const commandId of new Set(commandIds)) {
      const span = index.spans.get(commandId);
      if (span) found.set(commandId, await this.readStream(streamId, span.first, span.count));
    }
    return found;
  }

  async #caughtUp(streamId: string): Promise<StreamIndex> {
    let index = this.#streams.get(streamId);
    if (!index) {
      index = { next: 0n, spans: new Map() };
      this.#streams.set(streamId, index);
    }
    for (;;) {
      const page = await this.readStream(streamId, index.next, PAGE);
      for (const event of page) {
        // Two lookups may catch up at once: each event is indexed once, in order.
        if (event.streamRevision !== index.next) continue;
        index.next++;
        const commandId = event.metadata.commandId;
        if (!commandId) continue;
        const span = index.spans.get(commandId);
        if (!span) index.spans.set(commandId, { first: event.streamRevision, count: 1 });
        else if (span.first + BigInt(span.count) === event.streamRevision) span.count++;
      }
      if (page.length < PAGE) return index;
    }
  }
}
