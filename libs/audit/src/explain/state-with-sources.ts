import { evolve, initialState, type AccountState } from '../../../domain/src/state.js';
import type { StoredEvent } from '../../../event-store/src/event-store.js';
import { asLedgerEvent } from '../account-events.js';

/**
 * The account's state after every event with business time ≤ `at`, and which events made what it
 * holds: the seats, purchases, dedications, offline licenses, sessions and applications.
 */
export interface StateWithSources {
  readonly state: AccountState;
  /** `product/userId` → the events of the seat held: its SeatAssigned, and SeatActivated once activated. */
  readonly seats: ReadonlyMap<string, { readonly assigned: StoredEvent; readonly activated: StoredEvent | null }>;
  /** purchaseId → LicensesPurchased and its PurchaseAmended events. */
  readonly purchases: ReadonlyMap<string, readonly StoredEvent[]>;
  /** `product/orgId` → the LicensesDedicated event in force. */
  readonly dedications: ReadonlyMap<string, StoredEvent>;
  /** product → OfflineLicenseGenerated events, in the order of the state's `offlineLicenses`. */
  readonly offlineLicenses: ReadonlyMap<string, readonly StoredEvent[]>;
  /** sessionId → SessionStarted. */
  readonly sessionStarts: ReadonlyMap<string, StoredEvent>;
  /** applicationId → ApplicationActivated of the applications active now. */
  readonly applications: ReadonlyMap<string, StoredEvent>;
}

export const sourceKey = (product: string, id: string): string => `${product}/${id}`;

export function stateWithSources(events: readonly StoredEvent[], at: number): StateWithSources {
  const state = initialState();
  const seats = new Map<string, { assigned: StoredEvent; activated: StoredEvent | null }>();
  const purchases = new Map<string, StoredEvent[]>();
  const dedications = new Map<string, StoredEvent>();
  const offlineLicenses = new Map<string, StoredEvent[]>();
  const sessionStarts = new Map<string, StoredEvent>();
  const applications = new Map<string, StoredEvent>();
  for (const event of events) {
    if (Date.parse(event.metadata.occurredAt) > at) break;
    evolve(state, asLedgerEvent(event));
    const data = event.data as Record<string, string>;
    switch (event.type) {
      case 'SeatAssigned':
        seats.set(sourceKey(data.product!, data.userId!), { assigned: event, activated: null });
        break;
      case 'SeatActivated': {
        const seat = seats.get(sourceKey(data.product!, data.userId!));
        if (seat) seats.set(sourceKey(data.product!, data.userId!), { ...seat, activated: event });
        break;
      }
      case 'SeatUnassigned':
        seats.delete(sourceKey(data.product!, data.userId!));
        break;
      case 'LicensesPurchased':
        purchases.set(data.purchaseId!, [event]);
        break;
      case 'PurchaseAmended':
        purchases.get(data.purchaseId!)?.push(event);
        break;
      case 'LicensesDedicated':
        dedications.set(sourceKey(data.product!, data.orgId!), event);
        break;
      case 'OfflineLicenseGenerated': {
        const list = offlineLicenses.get(data.product!) ?? [];
        offlineLicenses.set(data.product!, list);
        list.push(event);
        break;
      }
      case 'SessionStarted':
        sessionStarts.set(data.sessionId!, event);
        break;
      case 'ApplicationActivated':
        applications.set(data.applicationId!, event);
        break;
      case 'ApplicationReleased':
        applications.delete(data.applicationId!);
        break;
      default:
        break;
    }
  }
  return { state, seats, purchases, dedications, offlineLicenses, sessionStarts, applications };
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
