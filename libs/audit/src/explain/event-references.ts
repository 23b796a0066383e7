import { comparePositions, formatPosition, type StoredEvent } from '../../../event-store/src/event-store.js';
import { toEventView, type EventView } from '../event-view.js';

/**
 * The events an explanation refers to. Details name an event by its position (`COMMIT/PREPARE`);
 * `events` then lists each referenced event once, in log order.
 */
export class EventReferences {
  private readonly referenced = new Map<string, StoredEvent>();

  ref(event: StoredEvent): string {
    const position = formatPosition(event.position)!;
    this.referenced.set(position, event);
    return position;
  }

  refOrNull(event: StoredEvent | null): string | null {
    return event === null ? null : this.ref(event);
  }

  views(): EventView[] {
    return [...this.referenced.values()].sort((a, b) => comparePositions(a.position, b.position)).map(toEventView);
  }
}
