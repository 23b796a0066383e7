import type * as C from '../commands.js';
import { DomainError, validationError } from '../errors.js';
import { event } from '../events.js';
import { modelOf, type Product } from '../products.js';
import { productView } from '../state.js';
import { type AccountAtCommand, type Decision, ok, notAssigned } from './account-at-command.js';

/** Seats of per-seat products (SPEC §2). One function per command; each throws DomainError to reject. */

export function assignSeat(account: AccountAtCommand, c: C.AssignSeat): Decision {
  requireModel(c.product, 'seat');
  account.requireUser(c.userId);
  if (productView(account.state, c.product).seats.has(c.userId)) {
    throw new DomainError('ALREADY_ASSIGNED', `user '${c.userId}' already has a ${c.product} seat`, [
      { path: 'userId', message: 'already assigned' },
    ]);
  }
  const source = account.drawUnit(c.product, c.userId);
  return ok(event('SeatAssigned', { product: c.product, userId: c.userId, licenseSource: source }, account.atIso));
}

export function unassignSeat(account: AccountAtCommand, c: C.UnassignSeat): Decision {
  requireModel(c.product, 'seat');
  account.requireUser(c.userId);
  if (!productView(account.state, c.product).seats.has(c.userId)) throw notAssigned(c.product, c.userId);
  return ok(event('SeatUnassigned', { product: c.product, userId: c.userId }, account.atIso));
}

function requireModel(product: Product, model: 'seat'): void {
  if (modelOf(product) !== model) throw validationError('product', `${product} is licensed per ${modelOf(product)}, not per seat`);
}
