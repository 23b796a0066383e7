import type { Scope } from '../events.js';
import { canDraw, poolByScope, withOverrides, type PoolTerms } from '../rules/pool-math.js';
import { quantityActiveAt, type PurchaseTerms } from '../rules/purchases.js';
import { licenseSources, type ParentOf } from '../rules/scopes.js';
import { APPLICATION_SOURCE } from '../rules/units.js';

/**
 * SPEC §8.1 what-if: the window's demand replayed under other quantities with the pool rules of §1.
 *
 * The replay is a walk over one timeline of the product's units and pool facts. At an instant, every
 * end comes first (an end at t before a start at t, SPEC §2), then the facts of the log in log order
 * (`seq`, the account stream's revision): purchases, amendments, dedications, user moves and the
 * starts of units. A unit is:
 * - **held** (not replayed): sessions or activations open at the window's start and offline licenses,
 *   which keep their real history and hold their unit from their real start to their real end;
 * - **demand**: accepted sessions (activations) and attempts denied for capacity that start in the
 *   window. At its start a demand is admitted if `available(source) ≥ 1` under the hypothesis, its
 *   source being the user's organization's license source as the tree then stands; admitted demand
 *   holds its unit until its end, refused demand holds nothing.
 *
 * Pools follow the real purchases and dedications except the named values of the hypothesis, which
 * replace that scope's value on the whole window (decisions are only taken in the window).
 */

/** A fact's place in the account's log: business instant, then stream revision for ties. */
export interface LogPlace {
  readonly at: number;
  readonly seq: number;
}

/** A purchase of the product as it stood after its purchase or an amendment. */
export interface PurchaseVersion extends PurchaseTerms {
  readonly purchaseId: string;
}

/** A change of the product's pool: a purchase or amendment, or a dedication. */
export type PoolChange =
  | (LogPlace & { readonly kind: 'purchase'; readonly purchase: PurchaseVersion })
  | (LogPlace & { readonly kind: 'dedication'; readonly orgId: string; readonly quantity: number });

/** A user moved to another organization: the units the user holds move with them (SPEC §1). */
export interface UserMove extends LogPlace {
  readonly userId: string;
  readonly orgId: string;
}

/** A unit of the product over [start, end): a session, an activation or an offline license. */
export interface ReplayUnit {
  /** Session id, application id or offline license id (for explanations). */
  readonly id: string;
  /** The holder; null for a TrueTest application (drawn from the account, held by no user). */
  readonly userId: string | null;
  /** The holder's organization at the unit's start; null for an application. */
  readonly orgId: string | null;
  readonly start: number;
  /** Revision of the event that started it (a denied attempt: its SessionDenied / ApplicationDenied). */
  readonly seq: number;
  /** +∞ while still open. */
  readonly end: number;
}

export interface DemandUnit extends ReplayUnit {
  /** An accepted session (activation) replayed, or an attempt denied for capacity given a duration. */
  readonly kind: 'accepted' | 'denied';
}

export interface Hypothesis {
  /** The account's purchased quantity, replacing the real one. */
  readonly quantity?: number;
  /** orgId → dedicated quantity (absolute; 0 = no dedication), replacing the real ones. */
  readonly dedications?: ReadonlyMap<string, number>;
}

export interface ReplayInput {
  /** The organization tree (organizations are never re-parented, so the tree as it stands now will do). */
  readonly parentOf: ParentOf;
  /** The product's purchases, amendments and dedications, in log order (the whole history up to the window's end). */
  readonly poolChanges: readonly PoolChange[];
  /** Every user move up to the window's end, in log order. */
  readonly moves: readonly UserMove[];
  /** Units that keep their real history (open at the window's start, offline licenses). */
  readonly held: readonly ReplayUnit[];
  /** The window's demand. */
  readonly demand: readonly DemandUnit[];
}

/** One demand's fate under a hypothesis. */
export interface ReplayDecision {
  readonly admitted: boolean;
  /** The scope the unit was (or would have been) drawn from. */
  readonly source: Scope;
  /** `available(source)` just before the decision. */
  readonly available: number;
}

export interface ReplayResult {
  /** Per demand, in the order of `ReplayInput.demand`. */
  readonly decisions: readonly ReplayDecision[];
}

const END = 0;
const FACT = 1;

type Step =
  | { readonly at: number; readonly phase: typeof END; readonly kind: 'held-end' | 'demand-end'; readonly index: number }
  | { readonly at: number; readonly phase: typeof END; readonly kind: 'purchase-boundary' }
  | { readonly at: number; readonly phase: typeof FACT; readonly seq: number; readonly kind: 'pool'; readonly index: number }
  | { readonly at: number; readonly phase: typeof FACT; readonly seq: number; readonly kind: 'move'; readonly index: number }
  | { readonly at: number; readonly phase: typeof FACT; readonly seq: number; readonly kind: 'held-start' | 'demand-start'; readonly index: number };

/**
 * The timeline of a replay, sorted once; `replay` runs it under a hypothesis, as often as a
 * recommendation search needs.
 */
export class WhatIfReplay {
  private readonly steps: Step[];

  constructor(readonly input: ReplayInput) {
    const steps: Step[] = [];
    input.poolChanges.forEach((change, index) => {
      steps.push({ at: change.at, phase: FACT, seq: change.seq, kind: 'pool', index });
      if (change.kind === 'purchase') {
        // A purchase counts on [max(at, startsAt), expiresAt): its bounds change the account's quantity.
        steps.push({ at: change.purchase.startsAt, phase: END, kind: 'purchase-boundary' });
        steps.push({ at: change.purchase.expiresAt, phase: END, kind: 'purchase-boundary' });
      }
    });
    input.moves.forEach((move, index) => steps.push({ at: move.at, phase: FACT, seq: move.seq, kind: 'move', index }));
    input.held.forEach((unit, index) => {
      steps.push({ at: unit.start, phase: FACT, seq: unit.seq, kind: 'held-start', index });
      if (unit.end > unit.start && Number.isFinite(unit.end)) steps.push({ at: unit.end, phase: END, kind: 'held-end', index });
    });
    input.demand.forEach((unit, index) => {
      steps.push({ at: unit.start, phase: FACT, seq: unit.seq, kind: 'demand-start', index });
      if (unit.end > unit.start && Number.isFinite(unit.end)) steps.push({ at: unit.end, phase: END, kind: 'demand-end', index });
    });
    steps.sort((a, b) => a.at - b.at || a.phase - b.phase || seqOf(a) - seqOf(b));
    this.steps = steps;
  }

  /** Replays the timeline under `hypothesis`. */
  replay(hypothesis: Hypothesis = {}): ReplayResult {
    const { input } = this;
    const pool = new PoolState(input.parentOf, hypothesis);
    const units = new UnitCounts(pool);
    const decisions: ReplayDecision[] = new Array(input.demand.length);

    for (const step of this.steps) {
      switch (step.kind) {
        case 'purchase-boundary':
          pool.touch(step.at);
          break;
        case 'pool':
          pool.apply(input.poolChanges[step.index]!);
          break;
        case 'move': {
          const move = input.moves[step.index]!;
          units.move(move.userId, move.orgId);
          break;
        }
        case 'held-start': {
          // Its end, if any, comes later on the timeline (empty units hold nothing).
          const unit = input.held[step.index]!;
          if (unit.end > unit.start) units.add(unit);
          break;
        }
        case 'held-end':
          units.remove(input.held[step.index]!);
          break;
        case 'demand-start': {
          const unit = input.demand[step.index]!;
          pool.touch(step.at);
          const source = unit.orgId === null ? APPLICATION_SOURCE : pool.sourceOf(unit.orgId);
          const available = pool.poolOf(source) - units.usedOf(source);
          const admitted = canDraw(available);
          decisions[step.index] = { admitted, source, available };
          if (admitted && unit.end > unit.start) units.add(unit);
          break;
        }
        case 'demand-end':
          if (decisions[step.index]?.admitted) units.remove(input.demand[step.index]!);
          break;
      }
    }
    return { decisions };
  }

  /**
   * The smallest account quantity from which the account's pool refuses nothing under `hypothesis`
   * (its other named values kept): above it every demand drawn from the account is admitted, so no
   * larger quantity changes any decision. Found by one replay with an unbounded account quantity:
   * the most the account ever needed at a decision, plus one.
   */
  saturatingQuantity(hypothesis: Hypothesis = {}): number {
    const unbounded = this.replay({ ...hypothesis, quantity: UNBOUNDED });
    let needed = 0;
    unbounded.decisions.forEach((d) => {
      // available = quantity − (dedications taken from the account) − used: the quantity that leaves exactly 1.
      if (d.source === APPLICATION_SOURCE) needed = Math.max(needed, 1 - (d.available - UNBOUNDED));
    });
    return needed;
  }
}

/** A quantity no account reaches, standing for "as many as needed". */
const UNBOUNDED = 1_000_000_000;

function seqOf(step: Step): number {
  return step.phase === FACT ? step.seq : 0;
}

/**
 * The product's pools as the replay walks the timeline: the real purchases and dedications as they
 * stand, the hypothesis's named values in their place (`withOverrides`); pools and license sources
 * are worked out again only when one of them changes.
 */
class PoolState {
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

/**
 * Units held, per organization of their holder (applications per the account), and `used` per scope
 * derived from them with the sources as they stand (recounted when a dedication moves units).
 */
class UnitCounts {
  private readonly byOrg = new Map<string, number>();
  private accountUnits = 0;
  /** userId → [organization, units held]. */
  private readonly holders = new Map<string, { orgId: string; units: number }>();
  private used = new Map<Scope, number>();
  private countedFor = -1;

  constructor(private readonly pool: PoolState) {}

  /** Adds a unit, in its holder's organization as it now stands (the account for an application). */
  add(unit: ReplayUnit): void {
    if (unit.userId === null || unit.orgId === null) {
      this.accountUnits += 1;
      this.bumpUsed(APPLICATION_SOURCE, 1);
      return;
    }
    const holder = this.holders.get(unit.userId);
    if (holder && holder.units > 0) {
      holder.units += 1;
      this.bump(holder.orgId, 1);
    } else {
      this.holders.set(unit.userId, { orgId: unit.orgId, units: 1 });
      this.bump(unit.orgId, 1);
    }
  }

  remove(unit: ReplayUnit): void {
    if (unit.userId === null || unit.orgId === null) {
      this.accountUnits -= 1;
      this.bumpUsed(APPLICATION_SOURCE, -1);
      return;
    }
    const holder = this.holders.get(unit.userId)!;
    holder.units -= 1;
    this.bump(holder.orgId, -1);
  }

  move(userId: string, orgId: string): void {
    const holder = this.holders.get(userId);
    if (!holder) {
      this.holders.set(userId, { orgId, units: 0 });
      return;
    }
    if (holder.units > 0) {
      this.bump(holder.orgId, -holder.units);
      this.bump(orgId, holder.units);
    }
    holder.orgId = orgId;
  }

  usedOf(scope: Scope): number {
    this.recount();
    return this.used.get(scope) ?? 0;
  }

  private bump(orgId: string, delta: number): void {
    this.byOrg.set(orgId, (this.byOrg.get(orgId) ?? 0) + delta);
    if (this.countedFor === this.pool.generation) this.bumpUsed(this.pool.sourceOf(orgId), delta);
  }

  private bumpUsed(scope: Scope, delta: number): void {
    if (this.countedFor === this.pool.generation) this.used.set(scope, (this.used.get(scope) ?? 0) + delta);
  }

  private recount(): void {
    if (this.countedFor === this.pool.generation) return;
    const used = new Map<Scope, number>([[APPLICATION_SOURCE, this.accountUnits]]);
    for (const [orgId, n] of this.byOrg) {
      if (n === 0) continue;
      const source = this.pool.sourceOf(orgId);
      used.set(source, (used.get(source) ?? 0) + n);
    }
    this.used = used;
    this.countedFor = this.pool.generation;
  }
}

/** The smallest account quantities meeting each target of SPEC §8.1's recommendation; null when none does. */
export interface Recommendation {
  /** No refused demand in scope. */
  readonly noDenials: number | null;
  /** Refused demand in scope at most 1 % of the scope's demand, by count. */
  readonly atMostOnePercent: number | null;
}

/**
 * Tries account quantities q = 0, 1, 2, … (the hypothesis's other named values kept, its quantity
 * ignored) and returns the first meeting each target, counting the demand `inScope` says is the
 * scope's. The search stops at `saturatingQuantity`: from there on no decision changes, so a target
 * not met by then is met by no quantity (null) — e.g. when a dedicated org's own pool refuses.
 */
export function recommendQuantity(replay: WhatIfReplay, hypothesis: Hypothesis, inScope: (demandIndex: number) => boolean): Recommendation {
  const scoped = replay.input.demand.map((_, i) => i).filter(inScope);
  let noDenials: number | null = null;
  let atMostOnePercent: number | null = null;
  const last = replay.saturatingQuantity(hypothesis);
  for (let q = 0; q <= last && (noDenials === null || atMostOnePercent === null); q += 1) {
    const { decisions } = replay.replay({ ...hypothesis, quantity: q });
    const refused = scoped.reduce((n, i) => n + (decisions[i]!.admitted ? 0 : 1), 0);
    if (noDenials === null && refused === 0) noDenials = q;
    if (atMostOnePercent === null && atMostOnePercentRefused(refused, scoped.length)) atMostOnePercent = q;
  }
  return { noDenials, atMostOnePercent };
}

/** refused ≤ 1 % of demand, in whole numbers (no rounding). */
export function atMostOnePercentRefused(refused: number, demand: number): boolean {
  return refused * 100 <= demand;
}
