import { DomainError, validationError } from '../errors.js';
import { ACCOUNT_SCOPE, type Scope } from '../events.js';
import { modelOf, type Product } from '../products.js';

/**
 * Alert rules of SPEC §9: what each kind watches and which thresholds and windows it takes.
 *
 * - `usage-threshold`: the units drawn from the scope's pool (`used`, SPEC §1) are at least
 *   `threshold` % of that pool, for `windowSeconds` without a break (0: at once);
 * - `denials`: at least `threshold` attempts denied for capacity within the last `windowSeconds`
 *   (sliding), by users of the scope (the account, or the org and its descendants, as §4.5 `denied`);
 * - `over-allocated`: `available < 0` in the scope's pool (for `windowSeconds` without a break);
 * - `expiring`: a purchase of the product, or an offline license of a user in the scope, expires
 *   within `threshold` days (one alert per purchase or license).
 */
export { ALERT_KINDS, isAlertKind, type AlertKind } from './alert-kinds.js';
import { ALERT_KINDS, type AlertKind } from './alert-kinds.js';

/** A rule as its AlertRuleCreated event records it: thresholds and windows already defaulted. */
export interface AlertRuleSpec {
  readonly ruleId: string;
  readonly kind: AlertKind;
  readonly product: Product;
  /** 'account' or an orgId. */
  readonly scope: Scope;
  /** Percent (usage-threshold), attempts (denials), days (expiring); 0 for over-allocated unless given. */
  readonly threshold: number;
  /** Hold time (usage-threshold, over-allocated) or sliding window (denials); 0 for expiring. */
  readonly windowSeconds: number;
}

/** The longest window a rule may watch: 31 days. */
export const MAX_ALERT_WINDOW_SECONDS = 31 * 24 * 3600;
/** The furthest ahead an `expiring` rule may look. */
export const MAX_EXPIRING_DAYS = 3650;
const MAX_DENIALS_THRESHOLD = 1_000_000;

/** A CreateAlertRule's kind-dependent fields as sent (threshold and window may be missing). */
export interface AlertRuleRequest {
  readonly ruleId: string;
  readonly kind: AlertKind;
  readonly product: Product;
  readonly scope: Scope;
  readonly threshold?: number;
  readonly windowSeconds?: number;
}

/**
 * Checks the threshold, window and product a kind allows and fills in the defaults; throws
 * VALIDATION_FAILED naming the field. (Whether the scope exists is the decider's: it needs the state.)
 */
export function normaliseAlertRule(request: AlertRuleRequest): AlertRuleSpec {
  const { ruleId, kind, product, scope, threshold, windowSeconds } = request;
  const window = (required: boolean, min: number): number => {
    if (windowSeconds === undefined) {
      if (required) throw validationError('windowSeconds', `is required for ${kind} rules (the sliding window, in seconds)`);
      return 0;
    }
    if (!Number.isInteger(windowSeconds) || windowSeconds < min || windowSeconds > MAX_ALERT_WINDOW_SECONDS) {
      throw validationError(
        'windowSeconds',
        `must be a whole number of seconds from ${min} to ${MAX_ALERT_WINDOW_SECONDS} (31 days) for ${kind} rules`,
      );
    }
    return windowSeconds;
  };
  const requiredThreshold = (): number => {
    if (threshold === undefined) throw validationError('threshold', `is required for ${kind} rules`);
    return threshold;
  };
  switch (kind) {
    case 'usage-threshold': {
      const percent = requiredThreshold();
      if (!Number.isFinite(percent) || percent <= 0 || percent > 100) {
        throw validationError('threshold', 'must be a percentage of the pool greater than 0 and at most 100');
      }
      return { ruleId, kind, product, scope, threshold: percent, windowSeconds: window(false, 0) };
    }
    case 'denials': {
      if (modelOf(product) === 'seat') {
        throw validationError('product', `${product} is licensed per seat: only session products and TRUETEST have denied attempts`);
      }
      const attempts = requiredThreshold();
      if (!Number.isInteger(attempts) || attempts < 1 || attempts > MAX_DENIALS_THRESHOLD) {
        throw validationError('threshold', `must be a whole number of denied attempts from 1 to ${MAX_DENIALS_THRESHOLD.toLocaleString('en-US')}`);
      }
      return { ruleId, kind, product, scope, threshold: attempts, windowSeconds: window(true, 1) };
    }
    case 'over-allocated': {
      // The condition is the SPEC's `available < 0`; a threshold, if sent, is kept but changes nothing.
      const kept = threshold ?? 0;
      if (!Number.isFinite(kept) || kept < 0)
        throw validationError('threshold', 'over-allocated rules take no threshold (available < 0); if given it must be ≥ 0');
      return { ruleId, kind, product, scope, threshold: kept, windowSeconds: window(false, 0) };
    }
    case 'expiring': {
      const days = requiredThreshold();
      if (!Number.isInteger(days) || days < 1 || days > MAX_EXPIRING_DAYS) {
        throw validationError('threshold', `must be a whole number of days from 1 to ${MAX_EXPIRING_DAYS}`);
      }
      if (windowSeconds !== undefined && windowSeconds !== 0) {
        throw validationError('windowSeconds', 'does not apply to expiring rules (threshold is the number of days ahead)');
      }
      return { ruleId, kind, product, scope, threshold: days, windowSeconds: 0 };
    }
    default: {
      const unknown: never = kind;
      throw validationError('kind', `unknown alert kind '${String(unknown)}'; one of ${ALERT_KINDS.join(', ')}`);
    }
  }
}

/** `scope` must be the account or an organization of the account (VALIDATION_FAILED naming `scope`). */
export function requireAlertScope(scope: Scope, orgExists: (orgId: string) => boolean): void {
  if (scope !== ACCOUNT_SCOPE && !orgExists(scope)) {
    throw new DomainError('VALIDATION_FAILED', `scope: '${scope}' is neither 'account' nor an organization of the account`, [
      { path: 'scope', message: "must be 'account' or the id of an organization of the account" },
    ]);
  }
}

/**
 * A webhook URL as the ledger records it: absolute, http or https, no credentials in it. Which
 * schemes and addresses are allowed where is the ledger's webhook policy (it needs the configuration and DNS).
 */
export function requireWebhookUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw validationError('url', 'must be an absolute URL, e.g. https://hooks.example.com/ledger');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw validationError('url', 'must be an https:// URL');
  if (parsed.username !== '' || parsed.password !== '')
    throw validationError('url', 'must not carry credentials (user:password@): sign with the secret instead');
  if (parsed.hash !== '') throw validationError('url', 'must not have a #fragment');
}
