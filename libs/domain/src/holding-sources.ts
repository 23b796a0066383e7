import type { LedgerEvent } from './events.js';

/** `product/id`: how holdings are keyed below. */
export const holdingKey = (product: string, id: string): string => `${product}/${id}`;

/**
 * Which events made what an account holds, followed event by event beside its state: the seats, the
 * purchases (and their amendments), the dedications in force, the offline licenses, the sessions still
 * open by event, and the active applications. `R` is whatever names an event for the caller (the stored
 * event for explanations, its log position for alerts). Feed it the same events as `evolve`, in order.
 */
export class HoldingSources<R> {
  /** `product/userId` → the seat's SeatAssigned, and its SeatActivated once activated. */
  readonly seats = new Map<string, { readonly assigned: R; readonly activated: R | null }>();
  /** purchaseId → LicensesPurchased and its PurchaseAmended events. */
  readonly purchases = new Map<string, R[]>();
  /** `product/orgId` → the LicensesDedicated event in force. */
  readonly dedications = new Map<string, R>();
  /** product → OfflineLicenseGenerated events, in the order of the state's `offlineLicenses`. */
  readonly offlineLicenses = new Map<string, R[]>();
  /** sessionId → SessionStarted, while no SessionEnded / SessionExpired has been folded. */
  readonly sessionStarts = new Map<string, R>();
  /** applicationId → ApplicationActivated of the applications active now. */
  readonly applications = new Map<string, R>();

  fold(event: LedgerEvent, ref: R): void {
    switch (event.type) {
      case 'SeatAssigned':
        this.seats.set(holdingKey(event.data.product, event.data.userId), { assigned: ref, activated: null });
        break;
      case 'SeatActivated': {
        const key = holdingKey(event.data.product, event.data.userId);
        const seat = this.seats.get(key);
        if (seat) this.seats.set(key, { ...seat, activated: ref });
        break;
      }
      case 'SeatUnassigned':
        this.seats.delete(holdingKey(event.data.product, event.data.userId));
        break;
      case 'LicensesPurchased':
        this.purchases.set(event.data.purchaseId, [ref]);
        break;
      case 'PurchaseAmended':
        this.purchases.get(event.data.purchaseId)?.push(ref);
        break;
      case 'LicensesDedicated':
        this.dedications.set(holdingKey(event.data.product, event.data.orgId), ref);
        break;
      case 'OfflineLicenseGenerated': {
        const list = this.offlineLicenses.get(event.data.product) ?? [];
        this.offlineLicenses.set(event.data.product, list);
        list.push(ref);
        break;
      }
      case 'SessionStarted':
        this.sessionStarts.set(event.data.sessionId, ref);
        break;
      case 'SessionEnded':
      case 'SessionExpired':
        this.sessionStarts.delete(event.data.sessionId);
        break;
      case 'ApplicationActivated':
        this.applications.set(event.data.applicationId, ref);
        break;
      case 'ApplicationReleased':
        this.applications.delete(event.data.applicationId);
        break;
      default:
        break;
    }
  }
}
