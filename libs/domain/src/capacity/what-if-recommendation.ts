import type { Hypothesis } from './what-if-inputs.js';
import type { WhatIfReplay } from './what-if-replay.js';

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
