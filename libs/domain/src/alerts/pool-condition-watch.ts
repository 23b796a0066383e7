import type { Scope } from '../events.js';
import { holdingKey } from '../holding-sources.js';
import { ratio2 } from '../mean.js';
import { activePurchases, heldUnits, nextTimedPoolChange, parentScopeOfOrg } from '../pools.js';
import type { Product } from '../products.js';
import type { ScopeFigures } from '../rules/pool-math.js';
import { productView } from '../state.js';
import type { AlertRuleSpec } from './alert-rules.js';
import type { Moment, OpenAlert, RuleWatch, WatchedAccount } from './rule-watch.js';

/** A pool condition and the value it reports. */
export interface PoolCondition {
  holds(figures: ScopeFigures): boolean;
  value(figures: ScopeFigures): number | null;
}

/** Open units ≥ threshold % of the pool; a pool ≤ 0 with units drawn from it is over any threshold. */
export function usageCondition(threshold: number): PoolCondition {
  return {
    holds: (f) => f.used > 0 && f.used * 100 >= threshold * f.pool,
    value: (f) => (f.pool > 0 ? ratio2(f.used * 100, f.pool) : null),
  };
}

export const overAllocated: PoolCondition = { holds: (f) => f.available < 0, value: (f) => f.available };

/** usage-threshold and over-allocated: a condition on the scope's pool figures, held for the rule's window. */
export class PoolConditionWatch implements RuleWatch {
  /** Since when the condition holds without a break (not before the rule existed); null while it does not. */
  #holdingSince: number | null = null;
  #open: OpenAlert | null = null;

  /** A rule is evaluated from the event that creates it, so a hold window never starts before it existed. */
  constructor(
    readonly rule: AlertRuleSpec,
    private readonly condition: PoolCondition,
  ) {}

  nextInstant(monitor: WatchedAccount, after: number): number | null {
    const change = nextTimedPoolChange(monitor.state, this.rule.product, after, monitor.leaseMs);
    const completion = this.#pendingCompletion();
    if (completion === null || completion <= after) return change;
    return change === null ? completion : Math.min(change, completion);
  }

  #pendingCompletion(): number | null {
    return this.#holdingSince !== null && this.#open === null ? this.#holdingSince + this.rule.windowSeconds * 1000 : null;
  }

  evaluate(moment: Moment): void {
    const completion = this.#pendingCompletion();
    if (completion !== null && completion <= moment.at && this.rule.windowSeconds > 0) {
      // Held over [t0, t0 + w): raised with the figures that held just before t0 + w.
      this.#open = this.#raise(moment, completion, completion - 1);
    }
    const figures = this.#figures(moment.monitor, moment.at);
    if (figures !== null && this.condition.holds(figures)) {
      this.#holdingSince ??= moment.at;
      if (this.#open === null && this.rule.windowSeconds === 0) this.#open = this.#raise(moment, moment.at, moment.at);
    } else {
      this.#holdingSince = null;
      if (this.#open !== null) moment.clear(this, this.#open, moment.at, 'condition ended');
      this.#open = null;
    }
  }

  observe(): void {}

  close(moment: Moment): void {
    if (this.#open !== null) moment.clear(this, this.#open, moment.at, 'rule removed');
    this.#open = null;
    this.#holdingSince = null;
  }

  #figures(monitor: WatchedAccount, at: number): ScopeFigures | null {
    return monitor.figuresAt(this.rule.product, at).get(this.rule.scope) ?? null;
  }

  #raise(moment: Moment, raisedAt: number, readAt: number): OpenAlert {
    const { monitor } = moment;
    const figures = this.#figures(monitor, readAt) ?? { scope: this.rule.scope, dedicated: 0, pool: 0, used: 0, offline: 0, available: 0 };
    return moment.raise(this, raisedAt, {
      value: this.condition.value(figures),
      evidence: poolEvidence(monitor, this.rule.product, this.rule.scope, readAt),
      subject: null,
      figures: { kind: 'pool', used: figures.used, pool: figures.pool, available: figures.available },
    });
  }
}

/** The events behind a scope's pool figures at an instant: its units, the purchases in force, the dedications that shape the pool. */
function poolEvidence(monitor: WatchedAccount, product: Product, scope: Scope, at: number): string[] {
  const { state, sources } = monitor;
  const ps = productView(state, product);
  const refs: (string | undefined)[] = [];
  for (const unit of heldUnits(state, product, at, monitor.leaseMs)) {
    if (unit.scope !== scope) continue;
    switch (unit.kind) {
      case 'seat':
        refs.push(sources.seats.get(holdingKey(product, unit.userId))?.assigned);
        break;
      case 'session':
        refs.push(sources.sessionStarts.get(unit.sessionId));
        break;
      case 'offline':
        refs.push(sources.offlineLicenses.get(product)?.[unit.index]);
        break;
      case 'application':
        refs.push(sources.applications.get(unit.applicationId));
        break;
    }
  }
  for (const purchase of activePurchases(state, product, at)) refs.push(...(sources.purchases.get(purchase.purchaseId) ?? []));
  for (const orgId of ps.dedications.keys()) {
    if (orgId === scope || parentScopeOfOrg(state, ps.dedications, orgId) === scope) refs.push(sources.dedications.get(holdingKey(product, orgId)));
  }
  return [...new Set(refs.filter((ref): ref is string => ref !== undefined))];
}
