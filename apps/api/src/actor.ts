import type { CommandContext } from '../../../libs/ledger/src/command-gateway.js';
import { authenticatedKeyOf } from './auth/authenticated-key.js';
import type { ApiRequest } from './http-request.js';
import { requestIdOf } from './http-observability.js';

/**
 * Who sent the request (SPEC §3 metadata `actor`): the id of the API key the ApiKeyGuard
 * authenticated (SPEC §6, Security); `anonymous` only where no guard runs (interface tests of ApiModule alone).
 */
export function actorOf(request: ApiRequest): string {
  return authenticatedKeyOf(request)?.keyId ?? 'anonymous';
}

/** The command's metadata from the request: the key as actor, the request id (`X-Request-Id`) as correlation id. */
export function commandContextOf(request: ApiRequest): CommandContext {
  const requestId = requestIdOf(request);
  return requestId === undefined ? { actor: actorOf(request) } : { actor: actorOf(request), correlationId: requestId };
}
