import type { Scope } from '../events.js';
import { canDraw } from '../rules/pool-math.js';
import { APPLICATION_SOURCE } from '../rules/units.js';
import type { Hypothesis, ReplayInput } from './what-if-inputs.js';
import { PoolState } from './what-if-pool-state.js';
import { UnitCounts } from './what-if-unit-counts.js';

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
