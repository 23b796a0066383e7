import { unmetAfter } from '../../../domain/src/index.js';
import { attemptsIn, holdersOf, unmetIn, type AttemptEntry, type DenialsComputation } from './denials.report.js';
import { iso, type Cite, type Figure } from './explain-figure.js';

/**
 * Explain on a denials bucket (SPEC §8.3): the SessionDenied (ApplicationDenied) events of the scope
 * in the bucket, each counted or folded — and into which counted denial —, per user (application),
 * and the users whose last denial went unmet, from the folding the report ran.
 */
export const DENIALS_METRICS: readonly string[] = ['attempts', 'uniqueUsers', 'trueDenials', 'unmetUsers'];

export function denialsFigure(c: DenialsComputation, index: number, metric: string): Figure {
  const attempts = attemptsIn(c, index);
  const retryWindow = c.retryWindowMs / 1000;
  switch (metric) {
    case 'attempts':
      return { value: attempts.length, details: (cite) => ({ retryWindow, attempts: attempts.map((a) => attemptView(a, cite)) }) };
    case 'trueDenials': {
      const counted = attempts.filter((a) => a.counted);
      return {
        value: counted.length,
        details: (cite) => ({
          retryWindow,
          counted: counted.map((a) => attemptView(a, cite)),
          folded: attempts.filter((a) => !a.counted).map((a) => attemptView(a, cite)),
        }),
      };
    }
    case 'uniqueUsers': {
      const holders = [...holdersOf(attempts)];
      return {
        value: holders.length,
        details: (cite) => ({
          users: holders.map(([holder, list]) => ({ holder, attempts: list.length, events: list.map((a) => cite(a.denial.seq)) })),
        }),
      };
    }
    case 'unmetUsers': {
      const unmet = unmetIn(c, index);
      const met = [...holdersOf(attempts)].map(([, list]) => list.at(-1)!).filter((a) => !unmet.includes(a));
      const view = (a: AttemptEntry, cite: Cite) => ({
        holder: a.holder,
        lastDenial: attemptView(a, cite),
        startedWithin: (c.starts.get(a.holder) ?? []).filter((t) => !unmetAfter(a.denial.at, [t], c.retryWindowMs)).map(iso),
      });
      return {
        value: unmet.length,
        details: (cite) => ({ retryWindow, unmet: unmet.map((a) => view(a, cite)), met: met.map((a) => view(a, cite)) }),
      };
    }
    default:
      throw new Error(`denials explains no metric '${metric}'`);
  }
}

function attemptView(a: AttemptEntry, cite: Cite) {
  return {
    attemptId: a.denial.attemptId,
    holder: a.holder,
    userId: a.denial.userId,
    orgId: a.denial.orgId,
    at: iso(a.denial.at),
    event: cite(a.denial.seq),
    counted: a.counted,
    foldedInto: a.counted ? null : cite(a.countedInto.seq),
    foldedIntoAt: a.counted ? null : iso(a.countedInto.at),
  };
}
