import { accountStreamId } from '../../../domain/src/streams.js';
import type { EventStore, StoredEvent } from '../../../event-store/src/event-store.js';
import { decodeStoredEvents, type StoredLedgerEvent } from '../../../event-store/src/stored-ledger-event.js';
import { AuditFold, decodeAuditFold } from './audit-fold.js';
import type { ReplayCheckpoint, ReplayCheckpoints } from './replay-checkpoints.js';

/** Events read from the stream at a time. */
const PAGE = 5_000;

/**
 * The account's fold "as of `asOf`" (SPEC §2: after every event with `at` ≤ asOf), started from the
 * latest checkpoint taken at or before that instant when there is one. Business time never goes back
 * within the account's stream, so the events a checkpoint folded are exactly the first ones of the
 * stream with `at` ≤ asOf, and folding the rest of them after it ends where folding every one from the
 * first would: the same state, holdings and last event. A checkpoint whose event at its revision is
 * not (or no longer) the stream's is not used.

 */
export async function foldAsOf(store: EventStore, checkpoints: ReplayCheckpoints | null, accountId: string, asOf: number): Promise<AuditFold> {
  const checkpoint = (await checkpoints?.latestAtOrBefore(accountId, asOf)) ?? null;
  const started = checkpoint && (await startAt(store, accountId, checkpoint));
  const fold = started ?? new AuditFold();
  await foldStream(store, accountId, fold, atOrBefore(asOf));
  return fold;
}

/** The fold at `checkpoint` if the stream still has its event at its revision; else null. */
export async function startAt(store: EventStore, accountId: string, checkpoint: ReplayCheckpoint): Promise<AuditFold | null> {
  const [event] = await store.readStream(accountStreamId(accountId), checkpoint.through.revision, 1);
  if (event?.eventId !== checkpoint.through.eventId) return null;
  return decodeAuditFold(checkpoint.body, checkpoint.through);
}

/**
 * Folds the stream's events after where `fold` stands while `keep` says so (the first event it refuses
 * ends the fold: the kept events are a prefix). Calls `visit` after each event folded.
 */
export async function foldStream(
  store: EventStore,
  accountId: string,
  fold: AuditFold,
  keep: (event: StoredEvent) => boolean,
  visit?: (event: StoredLedgerEvent, fold: AuditFold) => void,
): Promise<void> {
  for await (const page of streamPages(store, accountId, fold.through?.revision ?? null, keep)) {
    for (const event of page) {
      fold.fold(event);
      visit?.(event, fold);
    }
  }
}

/** The stream's events after revision `after` (from the first for null) while `keep` says so, decoded. */
export async function readStreamAfter(
  store: EventStore,
  accountId: string,
  after: bigint | null,
  keep: (event: StoredEvent) => boolean,
): Promise<StoredLedgerEvent[]> {
  const events: StoredLedgerEvent[] = [];
  for await (const page of streamPages(store, accountId, after, keep)) events.push(...page);
  return events;
}

async function* streamPages(
  store: EventStore,
  accountId: string,
  after: bigint | null,
  keep: (event: StoredEvent) => boolean,
): AsyncGenerator<StoredLedgerEvent[]> {
  const streamId = accountStreamId(accountId);
  for (let from = after === null ? 0n : after + 1n; ; from += BigInt(PAGE)) {
    const page = await store.readStream(streamId, from, PAGE);
    let end = page.findIndex((event) => !keep(event));
    if (end < 0) end = page.length;
    yield decodeStoredEvents(page.slice(0, end));
    if (end < PAGE) return;
  }
}

/** Whether an event is at or before `instant` by business time: "as of T" keeps every event with `at` ≤ T (SPEC §2). */
export const atOrBefore =
  (instant: number) =>
  (event: StoredEvent): boolean =>
    Date.parse(event.metadata.occurredAt) <= instant;
