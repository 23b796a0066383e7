import type { ApiKey } from '../../../../libs/auth/src/api-keys.js';
import { article, Forbidden, unknownAccount } from './access-errors.js';
import { isAccountPermission, ROLE_PERMISSIONS, ruleFor, type Permission } from './route-permissions.js';

export type RouteParams = Readonly<Record<string, string | string[] | undefined>>;

/**
 * Whether `key` may call the route `method routePath` with these path parameters; throws the
 * answer when not:
 * 1. an account route of another account → 404 NOT_FOUND, the same as for an unknown account
 *    (checked before the role, so nothing about the account or the route leaks);
 * 2. an account route with an operator key → 403 (operators see no account data);
 * 3. a role without the route's permission → 403 FORBIDDEN.
 */
export function authorizeRoute(key: ApiKey, method: string, routePath: string, params: RouteParams): Permission {
  const { permission, accountParam } = ruleFor(method, routePath);
  const allowed = ROLE_PERMISSIONS[key.role].includes(permission);
  if (isAccountPermission(permission)) {
    const raw = accountParam === null ? undefined : params[accountParam];
    const accountId = typeof raw === 'string' ? raw : undefined;
    if (key.accountId === null) {
      throw new Forbidden(`${article(key.role)} ${key.role} key is global and may not read or change account data`);
    }
    if (accountId === undefined || accountId !== key.accountId) throw unknownAccount(accountId ?? '', method.toUpperCase());
  }
  if (!allowed) {
    throw new Forbidden(`${article(key.role)} ${key.role} key may not ${method.toUpperCase()} ${routePath}`);
  }
  return permission;
}
