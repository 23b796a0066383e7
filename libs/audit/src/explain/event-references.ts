import { comparePositions, formatPosition } from '../../../event-store/src/event-store.js';
import type { StoredLedgerEvent } from '../../../event-store/src/stored-ledger-event.js';
import { toEventView, type EventView } from '../event-view.js';

/**
 * The events an explanation refers to. Details name an event by its position (`COMMIT/PREPARE`);
 * `events` then lists each referenced event once, in log order.
 */
export class EventReferences {
  private readonly referenced = new Map<string, StoredLedgerEvent>();

  ref(event: StoredLedgerEvent): string {
    const position = formatPosition(event.position)!;
    this.referenced.set(position, event);
    return position;
  }

  refOrNull(event: StoredLedgerEvent | null): string | null {
    return event === null ? null : this.ref(event);
  }

  views(): EventView[] {
    return [...this.referenced.values()].sort((a, b) => comparePositions(a.position, b.position)).map(toEventView);
  }
}
