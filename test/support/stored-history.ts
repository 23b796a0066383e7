import { randomUUID } from 'node:crypto';
import {
  accountStreamId,
  decide,
  EVENT_SCHEMA_VERSION,
  evolve,
  initialState,
  type AccountState,
  type LedgerCommand,
} from '../../libs/domain/src/index.js';
import type { StoredEvent } from '../../libs/event-store/src/event-store.js';
import { decodeStoredEvent, type StoredLedgerEvent } from '../../libs/event-store/src/stored-ledger-event.js';

export interface HistoryOptions {
  readonly leaseMs?: number;
  /** Fail on a rejected command (default) or skip it, as an import would. */
  readonly onRejected?: 'throw' | 'skip';
}

/**
 * Runs commands through the real decider, in order, and returns the events as the global log
 * would hold them (positions increasing, metadata filled in). For projection and report tests
 * that need a realistic log without a database. Decoded, as a reader of the log gets them.
 */
export function storedHistory(commands: readonly LedgerCommand[], options: HistoryOptions = {}): StoredLedgerEvent[] {
  const leaseMs = options.leaseMs ?? 900_000;
  const states = new Map<string, AccountState>();
  const log: StoredLedgerEvent[] = [];
  for (const command of commands) {
    const state = states.get(command.accountId) ?? initialState();
    states.set(command.accountId, state);
    const decision = decide(state, command, { now: Date.parse(command.at), leaseMs });
    if (decision.error && decision.events.length === 0) {
      if (options.onRejected === 'skip') continue;
      throw new Error(`${command.type} at ${command.at} rejected: ${decision.error.code} ${decision.error.message}`);
    }
    for (const e of decision.events) {
      evolve(state, e);
      state.revision += 1n;
      const sequence = BigInt(log.length + 1);
      const stored: StoredEvent = {
        eventId: randomUUID(),
        type: e.type,
        data: e.data,
        streamId: accountStreamId(command.accountId),
        streamRevision: state.revision,
        position: { commit: sequence, prepare: sequence },
        metadata: {
          commandId: command.commandId ?? null,
          correlationId: command.commandId ?? 'history',
          causationId: null,
          actor: 'test',
          occurredAt: e.occurredAt,
          recordedAt: e.occurredAt,
          schemaVersion: EVENT_SCHEMA_VERSION,
        },
      };
      log.push(decodeStoredEvent(stored));
    }
  }
  return log;
}
