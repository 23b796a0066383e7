import type * as C from '../commands.js';
import { DomainError, validationError } from '../errors.js';
import { event } from '../events.js';
import { machineQuota, poolFigures, purchasedQuantity } from '../pools.js';
import { scopesPushedNegative } from '../rules/pool-math.js';
import { machinesWithinQuota } from '../rules/purchases.js';
import { productView, type Purchase } from '../state.js';
import { type AccountAtCommand, type Decision, ok, exists, notFound, scopeName } from './account-at-command.js';

/** Purchases and their amendments (SPEC §1, §3). One function per command; each throws DomainError to reject. */

export function purchase(account: AccountAtCommand, c: C.PurchaseLicenses): Decision {
  if (account.state.purchases.has(c.purchaseId)) throw exists('purchaseId', `purchase '${c.purchaseId}'`);
  if (Date.parse(c.expiresAt) <= Date.parse(c.startsAt)) throw validationError('expiresAt', 'must be after startsAt');
  return ok(
    event(
      'LicensesPurchased',
      {
        purchaseId: c.purchaseId,
        product: c.product,
        quantity: c.quantity,
        startsAt: c.startsAt,
        expiresAt: c.expiresAt,
        machineQuota: c.machineQuota ?? null,
      },
      account.atIso,
    ),
  );
}

export function amendPurchase(account: AccountAtCommand, c: C.AmendPurchase): Decision {
  const current = account.state.purchases.get(c.purchaseId);
  if (!current) throw notFound('purchaseId', `purchase '${c.purchaseId}'`);
  if (c.quantity === undefined && c.expiresAt === undefined && c.machineQuota === undefined) {
    throw validationError('quantity', 'an amendment changes at least one of quantity, expiresAt, machineQuota');
  }
  const amended: Purchase = {
    ...current,
    quantity: c.quantity ?? current.quantity,
    expiresAt: c.expiresAt !== undefined ? Date.parse(c.expiresAt) : current.expiresAt,
    machineQuota: c.machineQuota !== undefined ? c.machineQuota : current.machineQuota,
  };
  if (amended.expiresAt <= amended.startsAt) throw validationError('expiresAt', 'must be after the purchase startsAt');
  const purchases = [...account.state.purchases.values()].map((p) => (p.purchaseId === c.purchaseId ? amended : p));
  const before = poolFigures(account.state, current.product, account.at, account.leaseMs);
  const after = poolFigures(account.state, current.product, account.at, account.leaseMs, {
    purchased: purchasedQuantity(account.state, current.product, account.at, purchases),
  });
  const pushed = scopesPushedNegative(before, after);
  if (pushed.length > 0) {
    throw new DomainError(
      'QUOTA_BELOW_USAGE',
      `the amendment would leave ${pushed.map(scopeName).join(', ')} with fewer ${current.product} licenses than in use`,
      [{ path: 'quantity', message: 'below what is dedicated or in use' }],
    );
  }
  const quota = machineQuota(account.state, current.product, account.at, purchases);
  const machines = productView(account.state, current.product).machines.size;
  if (!machinesWithinQuota(machines, quota) && c.machineQuota !== undefined) {
    throw new DomainError('QUOTA_BELOW_USAGE', `machineQuota would allow ${quota} machines but ${machines} are registered for ${current.product}`, [
      { path: 'machineQuota', message: 'below the registered machines' },
    ]);
  }
  return ok(
    event(
      'PurchaseAmended',
      {
        purchaseId: c.purchaseId,
        product: current.product,
        quantity: amended.quantity,
        expiresAt: new Date(amended.expiresAt).toISOString(),
        machineQuota: amended.machineQuota,
      },
      account.atIso,
    ),
  );
}
