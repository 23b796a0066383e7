import type { LedgerEvent, Scope } from '../events.js';
import { HoldingSources } from '../holding-sources.js';
import { poolFigures } from '../pools.js';
import type { Product } from '../products.js';
import type { ScopeFigures } from '../rules/pool-math.js';
import { evolve, initialState, type AccountState, type Webhook } from '../state.js';
import type { AlertRuleSpec } from './alert-rules.js';
import type { AlertTransition } from './alert-transitions.js';
import { DenialsWatch } from './denials-watch.js';
import { ExpiringWatch } from './expiring-watch.js';
import { overAllocated, PoolConditionWatch, usageCondition } from './pool-condition-watch.js';
import { iso, type Moment, type RuleWatch, type WatchedAccount } from './rule-watch.js';

/**
 * The alert rules of one account evaluated in business time as its events are folded (SPEC §9).
 *
 * Between two events nothing changes but what time alone changes: a lease lapsing, a purchase or an
 * offline license expiring or starting, a denial leaving a sliding window, a hold window completing.
 * Before folding an event at T, the monitor visits every such instant up to T in order, so a condition
 * that starts or ends between events is raised or cleared at the instant it happened, not when the
 * next event arrives. Each rule is evaluated at every point visited: after each event, and at each of
 * those instants (after what time changes there). An instant is known only once the account's log
 * reaches it: the monitor keeps no wall clock, so folding the same events always gives the same alerts.
 *
 * - usage-threshold / over-allocated: the condition is read from the scope's pool figures. With a
 *   window w it must hold at every point of [t0, t0 + w): it is raised at t0 + w with the figures that
 *   held just before that instant; a change at t0 + w itself comes after the raise (and may clear it).
 * - denials: counted by the attempt's instant in the window (t − w, t]; raised at the attempt that
 *   reaches the threshold, cleared when the count falls below it (an attempt leaves at its instant + w).
 * - expiring: one alert per purchase or offline license, raised from expiresAt − threshold days (or when
 *   it is recorded, if later) and cleared when it expires or is amended to expire later.
 *
 * A rule watches from the instant it is created (earlier denials do not count; a hold window starts
 * then at the earliest); removing it clears its open alerts at that instant.
 */
export class AlertMonitor implements WatchedAccount {
  readonly state: AccountState = initialState();
  readonly sources = new HoldingSources<string>();
  readonly #watches = new Map<string, RuleWatch>();
  #clock = Number.NEGATIVE_INFINITY;
  #version = 0;
  #figures = new Map<string, { version: number; at: number; figures: Map<Scope, ScopeFigures> }>();

  constructor(readonly leaseMs: number) {}

  /** Rules watched now. */
  get rules(): AlertRuleSpec[] {
    return [...this.#watches.values()].map((w) => w.rule);
  }

  /**
   * Folds the account's next event (in log order), named by `ref` (its log position), and answers the
   * alerts raised and cleared up to and at its instant, in order.
   */
  fold(event: LedgerEvent, ref: string): AlertTransition[] {
    const at = Date.parse(event.occurredAt);
    const out: AlertTransition[] = [];
    const ids = alertIds(ref);
    for (let instant = this.#nextInstant(); instant !== null && instant <= at; instant = this.#nextInstant()) {
      this.#visit(instant, ids, out);
    }
    evolve(this.state, event);
    this.sources.fold(event, ref);
    this.#version++;
    const moment = this.#moment(at, ids, out);
    if (event.type === 'AlertRuleCreated') this.#watches.set(event.data.ruleId, watchFor({ ...event.data }, at));
    if (event.type === 'AlertRuleRemoved') {
      this.#watches.get(event.data.ruleId)?.close(moment);
      this.#watches.delete(event.data.ruleId);
    }
    for (const watch of this.#watches.values()) watch.observe(this, event, ref, at);
    for (const watch of this.#watches.values()) watch.evaluate(moment);
    this.#clock = Math.max(this.#clock, at);
    return out;
  }

  /** Pool figures of a product at an instant of the current state (computed once per state and instant). */
  figuresAt(product: Product, at: number): Map<Scope, ScopeFigures> {
    const cached = this.#figures.get(product);
    if (cached && cached.version === this.#version && cached.at === at) return cached.figures;
    const figures = poolFigures(this.state, product, at, this.leaseMs);
    this.#figures.set(product, { version: this.#version, at, figures });
    return figures;
  }

  #nextInstant(): number | null {
    let next: number | null = null;
    for (const watch of this.#watches.values()) {
      const instant = watch.nextInstant(this, this.#clock);
      if (instant !== null && (next === null || instant < next)) next = instant;
    }
    return next;
  }

  #visit(instant: number, ids: () => string, out: AlertTransition[]): void {
    const moment = this.#moment(instant, ids, out);
    for (const watch of this.#watches.values()) watch.evaluate(moment);
    this.#clock = instant;
  }

  #moment(at: number, ids: () => string, out: AlertTransition[]): Moment {
    const webhooks = (): Webhook[] => [...this.state.webhooks.values()];
    return {
      monitor: this,
      at,
      raise: (watch, raisedAt, found) => {
        const alertId = ids();
        out.push({ type: 'AlertRaised', alertId, rule: watch.rule, at: iso(raisedAt), webhooks: webhooks(), ...found });
        return { alertId };
      },
      clear: (watch, open, clearedAt, reason) => {
        out.push({ type: 'AlertCleared', alertId: open.alertId, rule: watch.rule, at: iso(clearedAt), reason, webhooks: webhooks() });
      },
    };
  }
}

/** Alert ids raised while folding the event at `ref`: `al-<position>-<n>`, the same on every fold of the log. */
function alertIds(ref: string): () => string {
  const base = `al-${ref.replace(/[^A-Za-z0-9]+/g, '-')}`;
  let n = 0;
  return () => `${base}-${n++}`;
}

function watchFor(rule: AlertRuleSpec, since: number): RuleWatch {
  switch (rule.kind) {
    case 'usage-threshold':
      return new PoolConditionWatch(rule, usageCondition(rule.threshold));
    case 'over-allocated':
      return new PoolConditionWatch(rule, overAllocated);
    case 'denials':
      return new DenialsWatch(rule, since);
    case 'expiring':
      return new ExpiringWatch(rule);
    default: {
      const unknown: never = rule.kind;
      throw new Error(`no watch for alert kind ${String(unknown)}`);
    }
  }
}
