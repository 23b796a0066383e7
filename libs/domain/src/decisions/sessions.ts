import type * as C from '../commands.js';
import { DomainError, validationError } from '../errors.js';
import { event } from '../events.js';
import { licenseSourceOfUser } from '../pools.js';
import { canDrawFrom } from '../rules/pool-math.js';
import { isSeatProduct, sessionDrawsUnit } from '../rules/units.js';
import { productView, sessionIdTaken } from '../state.js';
import { type AccountAtCommand, type Decision, ok, exists, notAssigned, capacityDenied } from './account-at-command.js';

/** Sessions of per-session and per-seat products (SPEC §2). One function per command; each throws DomainError to reject. */

export function startSession(account: AccountAtCommand, c: C.StartSession): Decision {
  account.requireUser(c.userId);
  if (c.product === 'TRUETEST') throw validationError('product', 'TRUETEST is licensed per application: use ActivateApplication');
  if (sessionIdTaken(account.state, c.sessionId)) throw exists('sessionId', `session '${c.sessionId}'`);
  const licenseType = c.licenseType ?? 'online';
  account.requireActivePurchase(c.product);
  const ps = productView(account.state, c.product);
  const source = licenseSourceOfUser(account.state, c.product, c.userId);
  if (licenseType === 'offline') {
    if (!account.offlineLicenseFor(c.product, c.userId, c.machineId)) {
      throw new DomainError('NOT_ASSIGNED', `user '${c.userId}' has no unexpired ${c.product} offline license on machine '${c.machineId}'`, [
        { path: 'licenseType', message: 'offline sessions need an offline license for this user and machine' },
      ]);
    }
  } else if (isSeatProduct(c.product) && !ps.seats.has(c.userId)) {
    throw notAssigned(c.product, c.userId);
  }
  const machineEvents = account.registerIfNew(c.product, c.machineId, c.userId);
  if (sessionDrawsUnit(c.product, licenseType) && !canDrawFrom(account.figures(c.product), source)) {
    return {
      events: [
        event(
          'SessionDenied',
          {
            product: c.product,
            sessionId: c.sessionId,
            userId: c.userId,
            machineId: c.machineId,
            reason: 'CONCURRENCY_LIMIT_REACHED',
            licenseSource: source,
          },
          account.atIso,
        ),
      ],
      error: capacityDenied(c.product, source),
    };
  }
  return ok(
    ...machineEvents,
    event(
      'SessionStarted',
      {
        product: c.product,
        sessionId: c.sessionId,
        userId: c.userId,
        machineId: c.machineId,
        licenseType,
        licenseSource: source,
      },
      account.atIso,
    ),
  );
}

export function heartbeat(account: AccountAtCommand, c: C.HeartbeatSession): Decision {
  const session = account.requireOpenSession(c.sessionId);
  return ok(event('SessionHeartbeatRecorded', { sessionId: c.sessionId, product: session.product }, account.atIso));
}

export function endSession(account: AccountAtCommand, c: C.EndSession): Decision {
  const session = account.requireOpenSession(c.sessionId);
  return ok(event('SessionEnded', { sessionId: c.sessionId, product: session.product, endedAt: account.atIso }, account.atIso));
}
