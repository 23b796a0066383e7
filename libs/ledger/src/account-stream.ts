import { randomUUID } from 'node:crypto';
export { accountStreamId } from '../../domain/src/index.js';
import { decodeEvent, EVENT_SCHEMA_VERSION, evolve, type AccountState, type LedgerEvent } from '../../domain/src/index.js';
import type { NewEvent, StoredEvent } from '../../event-store/src/event-store.js';
import type { CommandContext } from './command-gateway.js';

/** Wraps decided events with the metadata of SPEC §3. */
export function toNewEvents(events: readonly LedgerEvent[], commandId: string | undefined, context: CommandContext): NewEvent[] {
  const correlationId = context.correlationId ?? commandId ?? randomUUID();
  return events.map((e) => ({
    eventId: randomUUID(),
    type: e.type,
    data: e.data,
    metadata: {
      commandId: commandId ?? null,
      correlationId,
      causationId: context.causationId ?? null,
      actor: context.actor,
      occurredAt: e.occurredAt,
      schemaVersion: EVENT_SCHEMA_VERSION,
    },
  }));
}

/** A stored event of the account's stream, decoded (`decodeEvent`), as `evolve` takes it. */
export function toLedgerEvent(stored: StoredEvent): LedgerEvent {
  return { ...decodeEvent(stored.type, stored.data, stored.metadata.schemaVersion), occurredAt: stored.metadata.occurredAt };
}

/** Folds stored events into the state. */
export function foldStored(state: AccountState, events: readonly StoredEvent[]): AccountState {
  for (const stored of events) {
    evolve(state, toLedgerEvent(stored));
    state.revision = stored.streamRevision;
  }
  return state;
}
