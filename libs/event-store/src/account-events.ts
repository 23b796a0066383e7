import { accountStreamId } from '../../domain/src/streams.js';
import { comparePositions, type EventStore, type LogPosition, type StoredEvent } from './event-store.js';
import { decodeStoredEvents, type StoredLedgerEvent } from './stored-ledger-event.js';

/**
 * The raw history auditors replay (SPEC §5): the events of one account, in log order, cut at an
 * instant of business time and/or a position of the global log.
 *
 * Business time never goes back within an account's stream (OUT_OF_ORDER), so "as of T" is a prefix
 * of the stream: every event with `occurredAt` ≤ T.
 */
export interface AccountHistoryCut {
  /** Keep events with business time ≤ this instant (ms since epoch). */
  readonly asOf?: number;
  /** Keep events at or before this position of the global log (e.g. a projection's checkpoint). */
  readonly upTo?: LogPosition | null;
}

/** Events read from the stream at a time: a cut early in a long history reads little of it. */
const PAGE = 5_000;

/** The account's events, decoded (`decodeStoredEvent`). */
export async function readAccountEvents(store: EventStore, accountId: string, cut: AccountHistoryCut = {}): Promise<StoredLedgerEvent[]> {
  const streamId = accountStreamId(accountId);
  const events: StoredLedgerEvent[] = [];
  for (let from = 0n; ; from += BigInt(PAGE)) {
    const page = await store.readStream(streamId, from, PAGE);
    const kept = cutHistory(page, cut);
    events.push(...decodeStoredEvents(kept));
    if (kept.length < PAGE) return events;
  }
}

/** The prefix of an account's events (log order) that `cut` keeps. */
export function cutHistory<E extends StoredEvent | StoredLedgerEvent>(events: readonly E[], cut: AccountHistoryCut): E[] {
  let end = events.length;
  for (let i = 0; i < events.length; i += 1) {
    const event = events[i]!;
    const late =
      (cut.asOf !== undefined && Date.parse(event.metadata.occurredAt) > cut.asOf) ||
      (cut.upTo !== undefined && comparePositions(event.position, cut.upTo ?? null) > 0);
    if (late) {
      end = i;
      break;
    }
  }
  return events.slice(0, end);
}
