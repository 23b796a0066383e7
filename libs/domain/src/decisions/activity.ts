import type * as C from '../commands.js';
import { event, type LedgerEvent } from '../events.js';
import { productView } from '../state.js';
import { type AccountAtCommand, type Decision, ok } from './account-at-command.js';

/** Logins and activity (SPEC §3): recorded for any user; a login activates a seat. One function per command; each throws DomainError to reject. */

export function recordLogin(account: AccountAtCommand, c: C.RecordLogin): Decision {
  account.requireUser(c.userId);
  const events: LedgerEvent[] = [event('UserLoggedIn', { product: c.product, userId: c.userId, machineId: c.machineId ?? null }, account.atIso)];
  const seat = productView(account.state, c.product).seats.get(c.userId);
  if (seat && !seat.activated) events.push(event('SeatActivated', { product: c.product, userId: c.userId }, account.atIso));
  return ok(...events);
}

export function recordActivity(account: AccountAtCommand, c: C.RecordActivity): Decision {
  account.requireUser(c.userId);
  return ok(event('UserActivityRecorded', { product: c.product, userId: c.userId, action: c.action }, account.atIso));
}
