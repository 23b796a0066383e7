import type * as C from '../commands.js';
import { DomainError, QUOTA_EXCEEDED_MESSAGE } from '../errors.js';
import { event } from '../events.js';
import { poolFigures } from '../pools.js';
import { scopesPushedNegative } from '../rules/pool-math.js';
import { productView } from '../state.js';
import { type AccountAtCommand, type Decision, ok, scopeName } from './account-at-command.js';

/** Dedications of licenses to organizations (SPEC §1, §3). One function per command; each throws DomainError to reject. */

export function dedicate(account: AccountAtCommand, c: C.DedicateLicenses): Decision {
  account.requireOrg(c.orgId, 'orgId');
  const ps = productView(account.state, c.product);
  const previousQuantity = ps.dedications.get(c.orgId) ?? 0;
  const before = poolFigures(account.state, c.product, account.at, account.leaseMs);
  const after = poolFigures(account.state, c.product, account.at, account.leaseMs, { dedications: new Map([[c.orgId, c.quantity]]) });
  const pushed = scopesPushedNegative(before, after);
  if (pushed.includes(c.orgId)) {
    const f = after.get(c.orgId)!;
    throw new DomainError(
      'DEDICATION_BELOW_USAGE',
      `cannot dedicate ${c.quantity} ${c.product} licenses to '${c.orgId}': its subtree uses ${f.used} and dedicates ${f.dedicated - f.pool} further down`,
      [{ path: 'quantity', message: `must be at least ${f.dedicated - f.available}` }],
    );
  }
  if (pushed.length > 0) {
    throw new DomainError('LICENSE_QUOTA_EXCEEDED', QUOTA_EXCEEDED_MESSAGE, [
      { path: 'quantity', message: `${pushed.map(scopeName).join(', ')} cannot cover this dedication` },
    ]);
  }
  return ok(event('LicensesDedicated', { product: c.product, orgId: c.orgId, quantity: c.quantity, previousQuantity }, account.atIso));
}
