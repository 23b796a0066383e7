import type { ApiKeyRole } from '../../contracts/src/directory.js';
import { TELEMETRY_COMMANDS } from '../../domain/src/index.js';

/**
 * The roles of an API key (SPEC §6, Security). Every key but an operator's belongs to one account.
 * - `account-admin`: everything for its account;
 * - `auditor`: reads its account (reports, licenses, events, explain);
 * - `ingest`: product telemetry for its account (logins, activity, sessions);
 * - `operator`: global; projections and health, no account data.
 */
export type { ApiKeyRole };
export const API_KEY_ROLES: readonly ApiKeyRole[] = ['account-admin', 'auditor', 'ingest', 'operator'];

export function isApiKeyRole(value: unknown): value is ApiKeyRole {
  return typeof value === 'string' && (API_KEY_ROLES as readonly string[]).includes(value);
}

/** Operator keys are global (no account); every other role is scoped to one account. */
export function isGlobalRole(role: ApiKeyRole): boolean {
  return role === 'operator';
}

/** Whether a key of `role` may send a command of `type` (for its own account). */
export function roleMaySend(role: ApiKeyRole, type: string): boolean {
  switch (role) {
    case 'account-admin':
      return true;
    case 'ingest':
      return (TELEMETRY_COMMANDS as readonly string[]).includes(type); // product telemetry only
    case 'auditor':
    case 'operator':
      return false;
  }
}
