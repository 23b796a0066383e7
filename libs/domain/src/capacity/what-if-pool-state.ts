import type { Scope } from '../events.js';
import { poolByScope, withOverrides, type PoolTerms } from '../rules/pool-math.js';
import { quantityActiveAt } from '../rules/purchases.js';
import { licenseSources, type ParentOf } from '../rules/scopes.js';
import type { Hypothesis, PoolChange, PurchaseVersion } from './what-if-inputs.js';

/**
 * The product's pools as the replay walks the timeline: the real purchases and dedications as they
 * stand, the hypothesis's named values in their place (`withOverrides`); pools and license sources
 * are worked out again only when one of them changes.
 */
export class PoolState {
  private readonly purchases = new Map<string, PurchaseVersion>();
  private readonly dedications = new Map<string, number>();
  private purchased = Number.NaN;
  private terms: PoolTerms | null = null;
  private pools: Map<Scope, number> | null = null;
  private sources: ((orgId: string) => Scope) | null = null;
  /** Bumped whenever license sources may have changed: units per scope are then counted again. */
  generation = 0;

  constructor(
    private readonly parentOf: ParentOf,
    private readonly hypothesis: Hypothesis,
  ) {}

  apply(change: PoolChange): void {
    if (change.kind === 'purchase') {
      this.purchases.set(change.purchase.purchaseId, change.purchase);
      this.touch(change.at);
      return;
    }
    if (change.quantity > 0) this.dedications.set(change.orgId, change.quantity);
    else this.dedications.delete(change.orgId);
    this.terms = null;
    this.pools = null;
    this.sources = null;
    this.generation += 1;
  }

  /** Time passed to `at`: the purchased quantity may have changed with a purchase's bounds. */
  touch(at: number): void {
    const purchased = quantityActiveAt(this.purchases.values(), at);
    if (purchased !== this.purchased) {
      this.purchased = purchased;
      this.terms = null;
      this.pools = null;
    }
  }

  poolOf(scope: Scope): number {
    this.pools ??= poolByScope(this.currentTerms());
    return this.pools.get(scope) ?? 0;
  }

  sourceOf(orgId: string): Scope {
    if (this.sources === null) {
      const terms = this.currentTerms();
      this.sources = licenseSources(terms.dedications, terms.parentOf);
    }
    return this.sources(orgId);
  }

  private currentTerms(): PoolTerms {
    this.terms ??= withOverrides(
      { purchased: this.purchased, dedications: this.dedications, parentOf: this.parentOf },
      { purchased: this.hypothesis.quantity, dedications: this.hypothesis.dedications },
    );
    return this.terms;
  }
}
