import type { EventView } from '../../contracts/src/index.js';
import type { StoredEvent } from '../../event-store/src/event-store.js';
import { storedEventView } from '../../event-store/src/event-view.js';

/** A stored event as auditors see it (events log, explain): the shared body type of libs/contracts. */
export type { EventView } from '../../contracts/src/index.js';

export function toEventView(event: StoredEvent): EventView {
  return storedEventView(event);
}
