import type { EventView } from '../../contracts/src/index.js';
import { formatPosition, type StoredEvent } from '../../event-store/src/event-store.js';

/** A stored event as auditors see it (events log, explain): the shared body type of libs/contracts. */
export type { EventView } from '../../contracts/src/index.js';

export function toEventView(event: StoredEvent): EventView {
  const m = event.metadata;
  return {
    position: formatPosition(event.position)!,
    streamId: event.streamId,
    streamRevision: event.streamRevision.toString(),
    type: event.type,
    eventId: event.eventId,
    data: event.data,
    metadata: {
      commandId: m.commandId, correlationId: m.correlationId, causationId: m.causationId, actor: m.actor,
      occurredAt: m.occurredAt, recordedAt: m.recordedAt, schemaVersion: m.schemaVersion,
    },
  };
}
