import { ACCOUNT_SCOPE, type LedgerEvent } from '../events.js';
import { isWithinOrg, type AccountState } from '../state.js';
import type { AlertRuleSpec } from './alert-rules.js';
import { iso, type Moment, type OpenAlert, type RuleWatch, type WatchedAccount } from './rule-watch.js';

/** denials: attempts denied for capacity by users of the scope, in a sliding window. */
export class DenialsWatch implements RuleWatch {
  /** Counted attempts still in the window, oldest first. */
  readonly #attempts: { readonly at: number; readonly ref: string }[] = [];
  #open: OpenAlert | null = null;

  constructor(
    readonly rule: AlertRuleSpec,
    private readonly since: number,
  ) {}

  nextInstant(_monitor: WatchedAccount, after: number): number | null {
    const leaving = this.#attempts.find((a) => a.at + this.#windowMs > after);
    return leaving === undefined ? null : leaving.at + this.#windowMs;
  }

  get #windowMs(): number {
    return this.rule.windowSeconds * 1000;
  }

  observe(monitor: WatchedAccount, event: LedgerEvent, ref: string, at: number): void {
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
