import { ACCOUNT_SCOPE, type LedgerEvent, type Scope } from '../events.js';
import { HoldingSources, holdingKey } from '../holding-sources.js';
import { ratio2 } from '../mean.js';
import { activePurchases, heldUnits, nextTimedPoolChange, parentScopeOfOrg, poolFigures } from '../pools.js';
import type { ScopeFigures } from '../rules/pool-math.js';
import type { Product } from '../products.js';
import { evolve, initialState, isWithinOrg, productView, type AccountState, type Webhook } from '../state.js';
import type { AlertFigures, AlertSubject } from './alert-findings.js';
import type { AlertRuleSpec } from './alert-rules.js';

/** What an expiring alert is about, and the figures a value was read from. */
export type { AlertFigures, AlertSubject };

export interface AlertRaisedTransition {
  readonly type: 'AlertRaised';
  readonly alertId: string;
  readonly rule: AlertRuleSpec;
  /** The business instant the condition started (for a hold window: when it completed). ISO, UTC. */
  readonly at: string;
  /** usage-threshold: used / pool in % (null when the pool is ≤ 0); over-allocated: available; denials: attempts; expiring: days left. */
  readonly value: number | null;
  /** The events behind the value, as the caller names them (log positions), in no particular order. */
  readonly evidence: readonly string[];
  readonly subject: AlertSubject | null;
  readonly figures: AlertFigures;
  /** The account's webhooks when it happened: they are told. */
  readonly webhooks: readonly Webhook[];
}

export interface AlertClearedTransition {
  readonly type: 'AlertCleared';
  readonly alertId: string;
  readonly rule: AlertRuleSpec;
  readonly at: string;
  readonly reason: 'condition ended' | 'rule removed';
  readonly webhooks: readonly Webhook[];
}

export type AlertTransition = AlertRaisedTransition | AlertClearedTransition;

const DAY_MS = 86_400_000;
const iso = (instant: number): string => new Date(instant).toISOString();

interface OpenAlert {
  readonly alertId: string;
}

/** What a rule needs to read the account at a point and report what it found. */
interface Moment {
  readonly monitor: AlertMonitor;
  /** The instant of the point visited. */
  readonly at: number;
  raise(watch: RuleWatch, at: number, found: Omit<AlertRaisedTransition, 'type' | 'alertId' | 'rule' | 'at' | 'webhooks'>): OpenAlert;
  clear(watch: RuleWatch, open: OpenAlert, at: number, reason: AlertClearedTransition['reason']): void;
}

interface RuleWatch {
  readonly rule: AlertRuleSpec;
  /** The first instant after `after` at which time alone may change this rule's condition; null if none. */
  nextInstant(monitor: AlertMonitor, after: number): number | null;
  evaluate(moment: Moment): void;
  /** An event just folded (denials count attempts here). */
  observe(monitor: AlertMonitor, event: LedgerEvent, ref: string, at: number): void;
  /** The rule is removed at `at`: clear what is open. */
  close(moment: Moment): void;
}

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
export class AlertMonitor {
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

/** A pool condition and the value it reports. */
interface PoolCondition {
  holds(figures: ScopeFigures): boolean;
  value(figures: ScopeFigures): number | null;
}

/** Open units ≥ threshold % of the pool; a pool ≤ 0 with units drawn from it is over any threshold. */
function usageCondition(threshold: number): PoolCondition {
  return {
    holds: (f) => f.used > 0 && f.used * 100 >= threshold * f.pool,
    value: (f) => (f.pool > 0 ? ratio2(f.used * 100, f.pool) : null),
  };
}

const overAllocated: PoolCondition = { holds: (f) => f.available < 0, value: (f) => f.available };

/** usage-threshold and over-allocated: a condition on the scope's pool figures, held for the rule's window. */
class PoolConditionWatch implements RuleWatch {
  /** Since when the condition holds without a break (not before the rule existed); null while it does not. */
  #holdingSince: number | null = null;
  #open: OpenAlert | null = null;

  /** A rule is evaluated from the event that creates it, so a hold window never starts before it existed. */
  constructor(
    readonly rule: AlertRuleSpec,
    private readonly condition: PoolCondition,
  ) {}

  nextInstant(monitor: AlertMonitor, after: number): number | null {
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

  #figures(monitor: AlertMonitor, at: number): ScopeFigures | null {
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
function poolEvidence(monitor: AlertMonitor, product: Product, scope: Scope, at: number): string[] {
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

/** denials: attempts denied for capacity by users of the scope, in a sliding window. */
class DenialsWatch implements RuleWatch {
  /** Counted attempts still in the window, oldest first. */
  readonly #attempts: { readonly at: number; readonly ref: string }[] = [];
  #open: OpenAlert | null = null;

  constructor(
    readonly rule: AlertRuleSpec,
    private readonly since: number,
  ) {}

  nextInstant(_monitor: AlertMonitor, after: number): number | null {
    const leaving = this.#attempts.find((a) => a.at + this.#windowMs > after);
    return leaving === undefined ? null : leaving.at + this.#windowMs;
  }

  get #windowMs(): number {
    return this.rule.windowSeconds * 1000;
  }

  observe(monitor: AlertMonitor, event: LedgerEvent, ref: string, at: number): void {
    if (at >= this.since && this.#counts(monitor.state, event)) this.#attempts.push({ at, ref });
  }

  /** An attempt denied for capacity, of the rule's product, by a user of its scope (TRUETEST: the account's). */
  #counts(state: AccountState, event: LedgerEvent): boolean {
    if (event.type === 'ApplicationDenied') return event.data.product === this.rule.product && this.rule.scope === ACCOUNT_SCOPE;
    if (event.type !== 'SessionDenied' || event.data.product !== this.rule.product) return false;
    if (this.rule.scope === ACCOUNT_SCOPE) return true;
    const orgId = state.users.get(event.data.userId)?.orgId;
    return orgId !== undefined && isWithinOrg(state, orgId, this.rule.scope);
  }

  evaluate(moment: Moment): void {
    while (this.#attempts.length > 0 && this.#attempts[0]!.at + this.#windowMs <= moment.at) this.#attempts.shift();
    const holds = this.#attempts.length >= this.rule.threshold;
    if (holds && this.#open === null) {
      this.#open = moment.raise(this, moment.at, {
        value: this.#attempts.length,
        evidence: this.#attempts.map((a) => a.ref),
        subject: null,
        figures: { kind: 'denials', attempts: this.#attempts.length, windowStart: iso(moment.at - this.#windowMs) },
      });
    } else if (!holds && this.#open !== null) {
      moment.clear(this, this.#open, moment.at, 'condition ended');
      this.#open = null;
    }
  }

  close(moment: Moment): void {
    if (this.#open !== null) moment.clear(this, this.#open, moment.at, 'rule removed');
    this.#open = null;
    this.#attempts.length = 0;
  }
}

interface ExpiringItem {
  readonly key: string;
  readonly expiresAt: number;
  readonly subject: AlertSubject;
  readonly evidence: readonly string[];
}

/** expiring: each purchase of the product, and each offline license of a user in the scope, within threshold days of its end. */
class ExpiringWatch implements RuleWatch {
  readonly #open = new Map<string, OpenAlert>();

  constructor(readonly rule: AlertRuleSpec) {}

  get #aheadMs(): number {
    return this.rule.threshold * DAY_MS;
  }

  #items(monitor: AlertMonitor): ExpiringItem[] {
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

  nextInstant(monitor: AlertMonitor, after: number): number | null {
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
