import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { PATH_METADATA } from '@nestjs/common/constants.js';
import type { ServerResponse } from 'node:http';
import { ApiKeyStore } from '../../../../libs/auth/src/api-keys.js';
import type { ApiRequest } from '../http-request.js';
import { Unauthenticated } from './access-errors.js';
import { setAuthenticatedKey } from './authenticated-key.js';
import { authorizeRoute, type RouteParams } from './authorize.js';
import { isProtectedPath } from './route-permissions.js';

type GuardedRequest = ApiRequest & { readonly params?: RouteParams; readonly route?: { readonly path?: unknown } };

/**
 * The global guard (APP_GUARD) of every `/v1` route (SPEC §6, Security):
 * `Authorization: Bearer <key>` → the key (401 UNAUTHENTICATED without a valid one), then the
 * route's rule from the central table (route-permissions.ts) → 403 / 404. Other routes
 * (`/health`, `/metrics`, `/docs`) are open.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(private readonly keys: ApiKeyStore) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<GuardedRequest>();
    const routePath = routePathOf(context, request);
    if (!isProtectedPath(routePath)) return true;

    const token = bearerToken(request.headers.authorization);
    const key = token === undefined ? null : await this.keys.authenticate(token);
    if (key === null) {
      const response = context.switchToHttp().getResponse<ServerResponse>();
      response.setHeader(
        'WWW-Authenticate',
        token === undefined ? 'Bearer realm="license-ledger"' : 'Bearer realm="license-ledger", error="invalid_token"',
      );
      throw new Unauthenticated(token === undefined ? 'missing' : 'invalid');
    }
    setAuthenticatedKey(request, key);
    authorizeRoute(key, request.method ?? 'GET', routePath, request.params ?? {});
    return true;
  }
}

/** `Bearer <token>` (scheme case-insensitive); undefined when there is no such header. */
export function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = /^\s*Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1] : '';
}

/**
 * The route path the request matched (`/v1/accounts/:accountId/logins`): what Express matched,
 * else the controller's and handler's paths.
 */
export function routePathOf(context: ExecutionContext, request: GuardedRequest): string {
  const matched = request.route?.path;
  if (typeof matched === 'string') return matched;
  return routePathFromMetadata(context.getClass(), context.getHandler());
}

export function routePathFromMetadata(controller: object, handler: object): string {
  const join = (...parts: unknown[]) =>
    `/${parts
      .flatMap((part) => (Array.isArray(part) ? part.slice(0, 1) : [part]))
      .filter((part): part is string => typeof part === 'string')
      .map((part) => part.replace(/^\/+|\/+$/g, ''))
      .filter((part) => part !== '')
      .join('/')}`;
  return join(Reflect.getMetadata(PATH_METADATA, controller), Reflect.getMetadata(PATH_METADATA, handler));
}
