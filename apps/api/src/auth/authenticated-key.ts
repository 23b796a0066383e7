import type { ApiKey } from '../../../../libs/auth/src/api-keys.js';

const keys = new WeakMap<object, ApiKey>();

/** Remembers the key a request was authenticated with (set by the ApiKeyGuard). */
export function setAuthenticatedKey(request: object, key: ApiKey): void {
  keys.set(request, key);
}

/** The key the request was authenticated with; undefined outside `/v1` (or before the guard ran). */
export function authenticatedKeyOf(request: object): ApiKey | undefined {
  return keys.get(request);
}
