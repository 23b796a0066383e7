import type { AccountDirectory, AlertKind, AlertRuleFields } from '@contracts';
import { formatNumber } from '../format/format';

/** The kinds of alert rule (SPEC §9, docs/webhooks.md): what each watches, and what its threshold and window mean. */
export const ALERT_KINDS: Readonly<
  Record<
    AlertKind,
    {
      readonly label: string;
      readonly watches: string;
      /** What the threshold is (null: the kind has none). */
      readonly threshold: string | null;
      /** What windowSeconds is (null: not used); `required` when the kind needs one. */
      readonly window: { readonly meaning: string; readonly required: boolean } | null;
      /** What an alert's value is. */
      readonly value: string;
    }
  >
> = {
  'usage-threshold': {
    label: 'Usage threshold',
    watches: 'the units drawn from the scope’s pool are at least the threshold % of the pool',
    threshold: 'a percentage of the pool, more than 0 and at most 100',
    window: { meaning: 'how long it must hold without a break (0 or empty: at once)', required: false },
    value: 'the units in use as a % of the pool (used / pool)',
  },
  denials: {
    label: 'Denials',
    watches: 'at least the threshold attempts denied for capacity within the window, by users of the scope',
    threshold: 'a whole number of denied attempts, 1 or more',
    window: { meaning: 'the sliding window the attempts are counted in', required: true },
    value: 'the denied attempts in the window',
  },
  'over-allocated': {
    label: 'Over-allocated',
    watches: 'the scope’s available units are below 0 (an expired purchase, a lowered amendment)',
    threshold: null,
    window: { meaning: 'how long it must hold without a break (0 or empty: at once)', required: false },
    value: 'the available units (below 0)',
  },
  expiring: {
    label: 'Expiring',
    watches: 'a purchase, or an offline license of a user of the scope, expires within the threshold days',
    threshold: 'whole days ahead, 1 to 3650',
    window: null,
    value: 'the days left',
  },
};

/** `account`, or the organization's path in the tree. */
export function scopeName(scope: string, account: AccountDirectory): string {
  return scope === 'account' ? `Account (${account.name})` : (account.organizations.find((o) => o.orgId === scope)?.path ?? scope);
}

/** What a rule watches, in one line: `KRE, Account: ≥ 80 % for 600 s`. */
export function ruleSummary(rule: AlertRuleFields, account: AccountDirectory): string {
  const condition =
    rule.kind === 'usage-threshold'
      ? `≥ ${formatNumber(rule.threshold)} % of the pool`
      : rule.kind === 'denials'
        ? `≥ ${formatNumber(rule.threshold)} denied within ${formatNumber(rule.windowSeconds)} s`
        : rule.kind === 'over-allocated'
          ? 'available < 0'
          : `expires within ${formatNumber(rule.threshold)} days`;
  const hold = rule.kind !== 'denials' && rule.kind !== 'expiring' && rule.windowSeconds > 0 ? ` for ${formatNumber(rule.windowSeconds)} s` : '';
  return `${rule.product}, ${scopeName(rule.scope, account)}: ${condition}${hold}`;
}

/** An alert's value with its unit. */
export function alertValue(kind: AlertKind, value: number | null): string {
  if (value === null) return '—';
  switch (kind) {
    case 'usage-threshold':
      return `${formatNumber(value)} %`;
    case 'denials':
      return `${formatNumber(value)} denied`;
    case 'over-allocated':
      return `${formatNumber(value)} available`;
    case 'expiring':
      return `${formatNumber(value)} days left`;
  }
}
