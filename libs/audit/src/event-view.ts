import { formatPosition, type StoredEvent } from '../../event-store/src/event-store.js';

/** A stored event as auditors see it (events log, explain): JSON-safe, positions as `COMMIT/PREPARE`. */
export interface EventView {
  readonly position: string;
  readonly streamId: string;
  readonly streamRevision: string;
  readonly type: string;
  readonly eventId: string;
  readonly data: Record<string, unknown>;
  readonly metadata: {
    readonly commandId: string | null;
    readonly correlationId: string;
    readonly causationId: string | null;
    readonly actor: string;
    readonly occurredAt: string;
    readonly recordedAt: string;
    readonly schemaVersion: number;
  };
}

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
