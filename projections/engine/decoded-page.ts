import { accountIdOfStream } from '../../libs/domain/src/streams.js';
import { comparePositions, type LogPosition, type StoredEvent } from '../../libs/event-store/src/event-store.js';
import { decodeStoredEvent, type StoredLedgerEvent } from '../../libs/event-store/src/stored-ledger-event.js';
import type { Projection } from '../projection.js';
import { eventsFor, foldsEvent } from './fold-batch.js';

/**
 * One page of the log as several projections fold it: each event is decoded (`decodeStoredEvent`) at
 * most once, the first time a projection asks for it, and every projection gets that same decoded
 * event. Only the events some projection folds are decoded.
 */
export class DecodedPage {
  /** The page's events outside the ledger's account streams (passed over by every projection). */
  readonly outside: readonly StoredEvent[];
  readonly #decoded = new Map<StoredEvent, StoredLedgerEvent>();

  constructor(readonly events: readonly StoredEvent[]) {
    this.outside = events.filter((event) => accountIdOfStream(event.streamId) === null);
  }

  /** The page's events strictly after `position` (all of them when it is before the page), in log order. */
  after(position: LogPosition | null): readonly StoredEvent[] {
    const first = this.events.findIndex((event) => comparePositions(event.position, position) > 0);
    if (first === -1) return [];
    return first === 0 ? this.events : this.events.slice(first);
  }

  /** The events of `batch` (a part of this page) the projection folds, decoded — as `eventsFor` answers them. */
  eventsFor(projection: Projection, batch: readonly StoredEvent[]): readonly StoredLedgerEvent[] {
    // A projection with a decoding of its own (the engine's tests) decodes for itself.
    if (projection.decode) return eventsFor(projection, batch);
    return batch.filter((event) => foldsEvent(projection, event)).map((event) => this.#decode(event));
  }

  #decode(event: StoredEvent): StoredLedgerEvent {
    let decoded = this.#decoded.get(event);
    if (decoded === undefined) {
      decoded = decodeStoredEvent(event);
      this.#decoded.set(event, decoded);
    }
    return decoded;
  }
}
