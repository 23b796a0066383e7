import type { CommandContext } from '../../../libs/ledger/src/command-gateway.js';
import type { ApiRequest } from './http-request.js';

/**
 * Who sent the request. The one place authentication will plug in (SPEC §6, Security):
 * until API keys exist every request is anonymous.
 */
export function actorOf(_request: ApiRequest): string {
  return 'anonymous';
}

export function commandContextOf(request: ApiRequest): CommandContext {
  return { actor: actorOf(request) };
}
