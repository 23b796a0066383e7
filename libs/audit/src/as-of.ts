import { validationError } from '../../domain/src/errors.js';
import type { EventStore } from '../../event-store/src/event-store.js';
import type { StoredLedgerEvent } from '../../event-store/src/stored-ledger-event.js';
import { readAccountEvents } from '../../event-store/src/account-events.js';

/**
 * An answer "as the ledger stood at `asOf`" (SPEC §5): the account's events with business time ≤ asOf,
 * read from the event store (never from projected tables) and handed to `answer` with now = asOf.
 * VALIDATION_FAILED when asOf is after `wallNow`: the future has no ledger yet.
 */
export async function replayAsOf<T>(
  store: EventStore,
  accountId: string,
  asOf: string,
  wallNow: number,
  answer: (events: readonly StoredLedgerEvent[], now: number) => T,
): Promise<T> {
  const instant = asOfInstant(asOf, wallNow);
  return answer(await readAccountEvents(store, accountId, { asOf: instant }), instant);
}

/** The instant `asOf` names (ms); VALIDATION_FAILED when it is after `wallNow`. */
export function asOfInstant(asOf: string, wallNow: number): number {
  const instant = Date.parse(asOf);
  if (instant > wallNow) {
    throw validationError('asOf', `must not be after now (${new Date(wallNow).toISOString()}), got ${asOf}`);
  }
  return instant;
}
