import { ACCOUNT_SCOPE } from '../events.js';
import { ratio2 } from '../mean.js';
import { isWithinOrg, productView } from '../state.js';
import type { AlertSubject } from './alert-findings.js';
import type { AlertRuleSpec } from './alert-rules.js';
import { iso, type Moment, type OpenAlert, type RuleWatch, type WatchedAccount } from './rule-watch.js';

const DAY_MS = 86_400_000;

interface ExpiringItem {
  readonly key: string;
  readonly expiresAt: number;
  readonly subject: AlertSubject;
  readonly evidence: readonly string[];
}

/** expiring: each purchase of the product, and each offline license of a user in the scope, within threshold days of its end. */
export class ExpiringWatch implements RuleWatch {
  readonly #open = new Map<string, OpenAlert>();

  constructor(readonly rule: AlertRuleSpec) {}

  get #aheadMs(): number {
    return this.rule.threshold * DAY_MS;
  }

  #items(monitor: WatchedAccount): ExpiringItem[] {
    const { state, sources } = monitor;
    const { product, scope } = this.rule;
    const items: ExpiringItem[] = [];
    for (const p of state.purchases.values()) {
      if (p.product !== product) continue;
      items.push({
        key: `purchase/${p.purchaseId}`,
        expiresAt: p.expiresAt,
        subject: { kind: 'purchase', purchaseId: p.purchaseId, expiresAt: iso(p.expiresAt) },
        evidence: [...(sources.purchases.get(p.purchaseId) ?? [])],
      });
    }
    productView(state, product).offlineLicenses.forEach((license, index) => {
      const orgId = state.users.get(license.userId)?.orgId;
      if (scope !== ACCOUNT_SCOPE && (orgId === undefined || !isWithinOrg(state, orgId, scope))) return;
      const generated = sources.offlineLicenses.get(product)?.[index];
      items.push({
        key: `offline/${index}`,
        expiresAt: license.expiresAt,
        subject: { kind: 'offline-license', userId: license.userId, machineId: license.machineId, expiresAt: iso(license.expiresAt) },
        evidence: generated === undefined ? [] : [generated],
      });
    });
    return items;
  }

  nextInstant(monitor: WatchedAccount, after: number): number | null {
    let next: number | null = null;
    for (const item of this.#items(monitor)) {
      for (const instant of [item.expiresAt - this.#aheadMs, item.expiresAt]) {
        if (instant > after && (next === null || instant < next)) next = instant;
      }
    }
    return next;
  }

  evaluate(moment: Moment): void {
    const due = new Map<string, ExpiringItem>();
    for (const item of this.#items(moment.monitor)) {
      if (item.expiresAt - this.#aheadMs <= moment.at && moment.at < item.expiresAt) due.set(item.key, item);
    }
    for (const [key, open] of this.#open) {
      if (due.has(key)) continue;
      moment.clear(this, open, moment.at, 'condition ended');
      this.#open.delete(key);
    }
    for (const [key, item] of due) {
      if (this.#open.has(key)) continue;
      const daysLeft = ratio2(item.expiresAt - moment.at, DAY_MS);
      this.#open.set(
        key,
        moment.raise(this, moment.at, {
          value: daysLeft,
          evidence: item.evidence,
          subject: item.subject,
          figures: { kind: 'expiry', expiresAt: iso(item.expiresAt), daysLeft },
        }),
      );
    }
  }

  observe(): void {}

  close(moment: Moment): void {
    for (const open of this.#open.values()) moment.clear(this, open, moment.at, 'rule removed');
    this.#open.clear();
  }
}
