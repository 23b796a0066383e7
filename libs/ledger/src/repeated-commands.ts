import { ACCOUNT_SCOPE, capacityDenied, DomainError } from '../../domain/src/index.js';
import { formatPosition, type StoredEvent } from '../../event-store/src/event-store.js';
import { decodeStoredEvents } from '../../event-store/src/stored-ledger-event.js';
import type { BatchResult, CommandOutcome, IncomingCommand, RecordedEvent } from './command-gateway.js';

/** The answers to commands the ledger has seen before: a commandId repeated, in an earlier append or earlier in the same batch (SPEC §3: the first outcome, nothing appended). */

export function commandIdsByAccount(commands: readonly IncomingCommand[]): Map<string, string[]> {
  const idsByAccount = new Map<string, string[]>();
  for (const c of commands) {
    if (!c.commandId) continue;
    const ids = idsByAccount.get(c.accountId) ?? [];
    idsByAccount.set(c.accountId, ids);
    ids.push(c.commandId);
  }
  return idsByAccount;
}

/**
 * The first outcome of a command whose commandId already has `stored` events (its events are one run
 * of revisions: the first run is taken). A start denied for capacity failed the first time: it fails again.
 */
export function replayedOutcome(command: IncomingCommand, stored: readonly StoredEvent[]): CommandOutcome {
  const run = stored.filter((e, i) => e.streamRevision === stored[0].streamRevision + BigInt(i));
  const denied = decodeStoredEvents(run).find((e) => e.type === 'SessionDenied' || e.type === 'ApplicationDenied');
  if (denied) throw capacityDenied(denied.data.product, denied.type === 'SessionDenied' ? denied.data.licenseSource : ACCOUNT_SCOPE);
  const events: RecordedEvent[] = run.map((e) => ({
    type: e.type,
    streamRevision: e.streamRevision.toString(),
    data: e.data,
    occurredAt: e.metadata.occurredAt,
  }));
  return outcomeOf(command, true, events, formatPosition(run.at(-1)?.position ?? null));
}

export function replayedResult(command: IncomingCommand, stored: readonly StoredEvent[]): BatchResult {
  try {
    return { ok: true, outcome: replayedOutcome(command, stored) };
  } catch (error) {
    return toFailure(error);
  }
}

/** The answer to a repeat of a command earlier in the same batch: the first one's outcome, as a duplicate. */
export function repeatOf(command: IncomingCommand, first: BatchResult): BatchResult {
  return first.ok ? { ok: true, outcome: { ...first.outcome, type: command.type, duplicate: true } } : first;
}

export function outcomeOf(command: IncomingCommand, duplicate: boolean, events: readonly RecordedEvent[], position: string | null): CommandOutcome {
  return { type: command.type, accountId: command.accountId, commandId: command.commandId ?? null, duplicate, events, position };
}

export function toFailure(error: unknown): BatchResult {
  if (error instanceof DomainError) return { ok: false, error };
  throw error;
}
