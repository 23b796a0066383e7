import type { AlertView } from '../../contracts/src/index.js';

const scopeName = (scope: string): string => (scope === 'account' ? 'the account pool' : `the pool of organization '${scope}'`);
const held = (windowSeconds: number): string => (windowSeconds > 0 ? ` for ${windowSeconds} s without a break` : '');

/** An alert in words, as its explanation gives it: which figures, against which threshold, since when. */
export function describeAlert(alert: AlertView): string {
  const { figures, product, scope, threshold, windowSeconds, raisedAt } = alert;
  switch (figures.kind) {
    case 'pool':
      if (alert.kind === 'over-allocated') {
        return `${figures.used} ${product} units drawn from ${scopeName(scope)} of ${figures.pool}: available ${figures.available} < 0${held(windowSeconds)}, at ${raisedAt}`;
      }
      return (
        `${figures.used} of the ${figures.pool} ${product} licenses of ${scopeName(scope)} in use` +
        `${alert.value === null ? ' (no pool to speak of)' : ` (${alert.value} %)`}, at least ${threshold} %${held(windowSeconds)}, at ${raisedAt}`
      );
    case 'denials':
      return (
        `${figures.attempts} ${product} attempts denied for capacity ${scope === 'account' ? 'in the account' : `to users of '${scope}'`}` +
        ` from ${figures.windowStart} to ${raisedAt} (${windowSeconds} s), at least ${threshold}`
      );
    case 'expiry': {
      const what =
        alert.subject?.kind === 'purchase'
          ? `purchase '${alert.subject.purchaseId}'`
          : alert.subject?.kind === 'offline-license'
            ? `the offline license of '${alert.subject.userId}' on '${alert.subject.machineId}'`
            : 'a license';
      return `${product} ${what} expires at ${figures.expiresAt}: ${figures.daysLeft} days after ${raisedAt}, within ${threshold} days`;
    }
  }
}
