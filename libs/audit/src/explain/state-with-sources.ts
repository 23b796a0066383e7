import { HoldingSources, holdingKey } from '../../../domain/src/holding-sources.js';
import { evolve, initialState, type AccountState } from '../../../domain/src/state.js';
import type { StoredLedgerEvent } from '../../../event-store/src/stored-ledger-event.js';
import { asLedgerEvent } from '../../../event-store/src/stored-ledger-event.js';

/**
 * The account's state after every event with business time ≤ `at`, and which events made what it
 * holds: the seats, purchases, dedications, offline licenses, sessions and applications.
 */
export interface StateWithSources {
  readonly state: AccountState;
  /** `product/userId` → the events of the seat held: its SeatAssigned, and SeatActivated once activated. */
  readonly seats: ReadonlyMap<string, { readonly assigned: StoredLedgerEvent; readonly activated: StoredLedgerEvent | null }>;
  /** purchaseId → LicensesPurchased and its PurchaseAmended events. */
  readonly purchases: ReadonlyMap<string, readonly StoredLedgerEvent[]>;
  /** `product/orgId` → the LicensesDedicated event in force. */
  readonly dedications: ReadonlyMap<string, StoredLedgerEvent>;
  /** product → OfflineLicenseGenerated events, in the order of the state's `offlineLicenses`. */
  readonly offlineLicenses: ReadonlyMap<string, readonly StoredLedgerEvent[]>;
  /** sessionId → SessionStarted of the sessions not ended or expired by an event. */
  readonly sessionStarts: ReadonlyMap<string, StoredLedgerEvent>;
  /** applicationId → ApplicationActivated of the applications active now. */
  readonly applications: ReadonlyMap<string, StoredLedgerEvent>;
}

export const sourceKey = holdingKey;

export function stateWithSources(events: readonly StoredLedgerEvent[], at: number): StateWithSources {
  const state = initialState();
  const sources = new HoldingSources<StoredLedgerEvent>();
  for (const event of events) {
    if (Date.parse(event.metadata.occurredAt) > at) break;
    const folded = asLedgerEvent(event);
    evolve(state, folded);
    sources.fold(folded, event);
  }
  return {
    state,
    seats: sources.seats,
    purchases: sources.purchases,
    dedications: sources.dedications,
    offlineLicenses: sources.offlineLicenses,
    sessionStarts: sources.sessionStarts,
    applications: sources.applications,
  };
}

/** The organization and every organization below it. */
export function subtreeOf(state: AccountState, orgId: string): Set<string> {
  const result = new Set([orgId]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const org of state.orgs.values()) {
      if (org.parentOrgId !== null && result.has(org.parentOrgId) && !result.has(org.orgId)) {
        result.add(org.orgId);
        grew = true;
      }
    }
  }
  return result;
}
