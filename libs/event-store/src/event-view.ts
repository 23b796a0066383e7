import { formatPosition, type StoredEvent } from './event-store.js';

/**
 * A stored event as auditors read it (events log, explain): its position as text, its revision as a
 * decimal string, its data and metadata — the `EventView` body of libs/contracts.
 */
export function storedEventView(event: StoredEvent) {
  const m = event.metadata;
  return {
    position: formatPosition(event.position)!,
    streamId: event.streamId,
    streamRevision: event.streamRevision.toString(),
    type: event.type,
    eventId: event.eventId,
    data: event.data,
    metadata: {
      commandId: m.commandId,
      correlationId: m.correlationId,
      causationId: m.causationId,
      actor: m.actor,
      occurredAt: m.occurredAt,
      recordedAt: m.recordedAt,
      schemaVersion: m.schemaVersion,
    },
  };
}
