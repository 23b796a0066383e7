import { decodeEvent, type EventMap, type EventType, type LedgerEvent } from '../../domain/src/index.js';
import type { StoredEvent } from './event-store.js';

/**
 * A stored event decoded (`decodeStoredEvent`): its payload brought to the current shape and checked,
 * so code that folds the log narrows with `switch (event.type)` and reads `event.data` typed.
 */
export type StoredLedgerEvent<K extends EventType = EventType> = {
  [T in K]: Omit<StoredEvent, 'type' | 'data'> & { readonly type: T; readonly data: EventMap[T] };
}[K];

/** Where an event of the log enters the read side or the decider: throws `EventDecodingError` for a payload that does not fit. */
export function decodeStoredEvent(stored: StoredEvent): StoredLedgerEvent {
  return { ...stored, ...decodeEvent(stored.type, stored.data, stored.metadata.schemaVersion) };
}

export function decodeStoredEvents(stored: readonly StoredEvent[]): StoredLedgerEvent[] {
  return stored.map(decodeStoredEvent);
}

/** A decoded stored event as the domain's `evolve` takes it (with its business instant). */
export function asLedgerEvent(event: StoredLedgerEvent): LedgerEvent {
  return { ...event, occurredAt: event.metadata.occurredAt };
}
