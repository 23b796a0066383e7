import type * as C from '../commands.js';
import { DomainError, validationError } from '../errors.js';
import { event } from '../events.js';
import { OFFLINE_PRODUCTS } from '../products.js';
import { latestExpiryOf } from '../rules/purchases.js';
import { offlineLicenseHoldsUnit } from '../rules/units.js';
import { productView } from '../state.js';
import { type AccountAtCommand, type Decision, ok, exists, notFound } from './account-at-command.js';

/** Offline licenses and machines (SPEC §2). One function per command; each throws DomainError to reject. */

export function generateOfflineLicense(account: AccountAtCommand, c: C.GenerateOfflineLicense): Decision {
  if (!OFFLINE_PRODUCTS.includes(c.product)) throw validationError('product', `offline licenses exist for ${OFFLINE_PRODUCTS.join(' and ')} only`);
  account.requireUser(c.userId);
  const active = account.requireActivePurchase(c.product);
  const latestEnd = latestExpiryOf(active)!;
  const expiresAt = c.expiresAt !== undefined ? Date.parse(c.expiresAt) : latestEnd;
  if (expiresAt > latestEnd) {
    throw validationError('expiresAt', `must not be after the subscription ends (${new Date(latestEnd).toISOString()})`);
  }
  if (expiresAt <= account.at) throw validationError('expiresAt', 'must be after the command time');
  if (
    productView(account.state, c.product).offlineLicenses.some((l) => l.machineId === c.machineId && offlineLicenseHoldsUnit(l.expiresAt, account.at))
  ) {
    throw exists('machineId', `an unexpired ${c.product} offline license on machine '${c.machineId}'`);
  }
  const machineEvents = account.registerIfNew(c.product, c.machineId, c.userId);
  const source = account.drawUnit(c.product, c.userId);
  return ok(
    ...machineEvents,
    event(
      'OfflineLicenseGenerated',
      {
        product: c.product,
        userId: c.userId,
        machineId: c.machineId,
        expiresAt: new Date(expiresAt).toISOString(),
        licenseSource: source,
      },
      account.atIso,
    ),
  );
}

export function revokeOfflineLicense(_account: AccountAtCommand, c: C.RevokeOfflineLicense): Decision {
  throw new DomainError(
    'OFFLINE_LICENSE_IRREVOCABLE',
    `offline licenses cannot be revoked or transferred; the ${c.product} license on machine '${c.machineId}' runs until it expires`,
  );
}

export function registerMachine(account: AccountAtCommand, c: C.RegisterMachine): Decision {
  account.requireUser(c.userId);
  if (productView(account.state, c.product).machines.has(c.machineId)) throw exists('machineId', `${c.product} machine '${c.machineId}'`);
  return ok(...account.registerIfNew(c.product, c.machineId, c.userId));
}

export function deactivateMachine(account: AccountAtCommand, c: C.DeactivateMachine): Decision {
  account.requireUser(c.userId);
  const ps = productView(account.state, c.product);
  if (!ps.machines.has(c.machineId)) throw notFound('machineId', `${c.product} machine '${c.machineId}'`);
  if (ps.offlineLicenses.some((l) => l.machineId === c.machineId && offlineLicenseHoldsUnit(l.expiresAt, account.at))) {
    throw new DomainError('MACHINE_BOUND_OFFLINE', `machine '${c.machineId}' is bound to an unexpired ${c.product} offline license`, [
      { path: 'machineId', message: 'bound to an offline license' },
    ]);
  }
  return ok(event('MachineDeactivated', { product: c.product, machineId: c.machineId, userId: c.userId }, account.atIso));
}
