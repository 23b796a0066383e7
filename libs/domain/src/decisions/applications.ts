import type * as C from '../commands.js';
import { ACCOUNT_SCOPE, event } from '../events.js';
import { canDrawFrom } from '../rules/pool-math.js';
import { APPLICATION_SOURCE } from '../rules/units.js';
import { productView } from '../state.js';
import { type AccountAtCommand, type Decision, ok, exists, notFound, capacityDenied } from './account-at-command.js';

/** TrueTest applications under test (SPEC §2). One function per command; each throws DomainError to reject. */

export function activateApplication(account: AccountAtCommand, c: C.ActivateApplication): Decision {
  const ps = productView(account.state, 'TRUETEST');
  if (ps.applications.has(c.applicationId)) throw exists('applicationId', `active application '${c.applicationId}'`);
  account.requireActivePurchase('TRUETEST');
  if (!canDrawFrom(account.figures('TRUETEST'), APPLICATION_SOURCE)) {
    return {
      events: [
        event('ApplicationDenied', { product: 'TRUETEST', applicationId: c.applicationId, reason: 'CONCURRENCY_LIMIT_REACHED' }, account.atIso),
      ],
      error: capacityDenied('TRUETEST', ACCOUNT_SCOPE),
    };
  }
  return ok(event('ApplicationActivated', { product: 'TRUETEST', applicationId: c.applicationId }, account.atIso));
}

export function releaseApplication(account: AccountAtCommand, c: C.ReleaseApplication): Decision {
  if (!productView(account.state, 'TRUETEST').applications.has(c.applicationId)) {
    throw notFound('applicationId', `active application '${c.applicationId}'`);
  }
  return ok(event('ApplicationReleased', { product: 'TRUETEST', applicationId: c.applicationId }, account.atIso));
}
