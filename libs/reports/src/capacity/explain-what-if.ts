import { latestRecordInstant, purchasesActiveAt, type Product } from '../../../domain/src/index.js';
import type { StoredUnit } from './capacity-data.js';
import { iso, isoOrOpen, type Cite, type Figure } from './explain-figure.js';
import {
  acceptedInReality,
  admittedUnderHypothesis,
  capacityAt,
  deniedStarting,
  peakIntervals,
  refusedOverlapping,
  refusedStarting,
  usageNames,
  whatIfPeaks,
  type DemandEntry,
  type PeakUnit,
  type WhatIfComputation,
} from './what-if.report.js';

/**
 * Explain on a what-if bucket (SPEC §8.1): the demand behind `denied` and `unmetSeconds` (refused
 * under the hypothesis), the units open at the peak, the pool values behind `availableSessions`, and
 * the same for `actual.*` (what happened), each from the replay the report ran.
 */
export function whatIfMetrics(product: Product): string[] {
  const { capacity, peak } = usageNames(product);
  return [capacity, peak, 'averagePeak', 'denied', 'unmetSeconds', ...[capacity, peak, 'averagePeak', 'denied'].map((m) => `actual.${m}`)];
}

export function whatIfFigure(c: WhatIfComputation, index: number, metric: string): Figure {
  const bucket = c.plan.buckets[index]!;
  const { capacity, peak } = usageNames(c.product);
  const actual = metric.startsWith('actual.');
  const holds = actual ? acceptedInReality : admittedUnderHypothesis;
  switch (actual ? metric.slice('actual.'.length) : metric) {
    case capacity:
      return capacityFigure(c, index, !actual);
    case peak:
      return peakFigure(c, index, peakIntervals(c, holds));
    case 'averagePeak':
      return averagePeakFigure(c, index, peakIntervals(c, holds));
    case 'denied': {
      const entries = actual ? deniedStarting(c, bucket) : refusedStarting(c, bucket);
      const key = actual ? 'denied' : 'refused';
      return { value: entries.length, details: (cite) => ({ deniedDuration: c.deniedSeconds, [key]: entries.map((e) => demandView(c, e, cite)) }) };
    }
    case 'unmetSeconds': {
      const overlapping = refusedOverlapping(c, bucket);
      const totalMs = overlapping.reduce((sum, o) => sum + o.ms, 0);
      return {
        value: Math.floor(totalMs / 1000),
        details: (cite) => ({
          deniedDuration: c.deniedSeconds,
          totalSeconds: totalMs / 1000,
          refused: overlapping.map((o) => ({ ...demandView(c, o.entry, cite), secondsInBucket: o.ms / 1000 })),
        }),
      };
    }
    default:
      throw new Error(`what-if explains no metric '${metric}'`);
  }
}

/** The peak: the earliest instant of the bucket at which it is reached, and every unit open then. */
function peakFigure(c: WhatIfComputation, index: number, units: readonly PeakUnit[]): Figure {
  const peaks = whatIfPeaks(c, units)[index]!;
  const at = peaks.subBuckets.find((s) => s.peak === peaks.peak && s.at !== null)?.at ?? null;
  const open = at === null ? [] : units.filter((u) => u.start <= at && at < u.end);
  return { value: peaks.peak, details: (cite) => ({ peakAt: at === null ? null : iso(at), units: open.map((u) => peakUnitView(c, u, cite)) }) };
}

/** averagePeak: each sub-bucket's peak, its instant and the units open then (SPEC §4.5). */
function averagePeakFigure(c: WhatIfComputation, index: number, units: readonly PeakUnit[]): Figure {
  const peaks = whatIfPeaks(c, units)[index]!;
  return {
    value: peaks.averagePeak,
    details: (cite) => ({
      subBuckets: peaks.subBuckets.map((s) => ({
        start: iso(s.start),
        end: iso(s.end),
        peak: s.peak,
        peakAt: s.at === null ? null : iso(s.at),
        units: s.at === null ? [] : units.filter((u) => u.start <= s.at! && s.at! < u.end).map((u) => startOf(u, cite)),
      })),
      mean: peaks.averagePeak,
    }),
  };
}

/** availableSessions (purchased): the named value of the hypothesis, or the real purchases / dedication standing at the latest record. */
function capacityFigure(c: WhatIfComputation, index: number, hypothetical: boolean): Figure {
  const bucket = c.plan.buckets[index]!;
  const at = latestRecordInstant(bucket, c.now);
  const named = !hypothetical ? undefined : c.orgId === null ? c.hypothesis.quantity : c.hypothesis.dedications?.get(c.orgId);
  const changes = c.history.changes.filter((change) => change.at <= at);
  return {
    value: capacityAt(c, bucket, hypothetical),
    details: (cite) => {
      if (named !== undefined) return { recordAt: iso(at), hypothesis: { scope: c.orgId ?? 'account', quantity: named } };
      const standing = c.history.standingAt(at);
      if (c.orgId !== null) {
        const quantity = standing.dedications.get(c.orgId);
        const event = changes.filter((ch) => ch.kind === 'dedication' && ch.orgId === c.orgId).at(-1);
        return { recordAt: iso(at), dedication: quantity === undefined ? null : { orgId: c.orgId, quantity, event: cite(event?.seq ?? null) } };
      }
      return {
        recordAt: iso(at),
        purchases: purchasesActiveAt(standing.purchases, at).map((p) => ({
          purchaseId: p.purchaseId,
          quantity: p.quantity,
          startsAt: iso(p.startsAt),
          expiresAt: iso(p.expiresAt),
          events: changes.filter((ch) => ch.kind === 'purchase' && ch.purchase.purchaseId === p.purchaseId).map((ch) => cite(ch.seq)),
        })),
      };
    },
  };
}

/** A unit by its id and the event that started it (a denied attempt: its SessionDenied). */
function startOf(unit: PeakUnit, cite: Cite): { id: string; event: string | null } {
  if (unit.kind === 'held') return { id: unit.unit.unitId, event: cite(unit.unit.startSeq) };
  const { source } = unit.entry;
  return { id: unit.entry.unit.id, event: cite(source.kind === 'denial' ? source.denial.seq : source.unit.startSeq) };
}

/** One demand of the window: what it was, the events that bound it, and the replay's decision at its start. */
function demandView(c: WhatIfComputation, entry: DemandEntry, cite: Cite) {
  const { unit, source, decision } = entry;
  return {
    demand: unit.kind === 'denied' ? 'denied attempt' : c.product === 'TRUETEST' ? 'activation' : 'session',
    id: unit.id,
    userId: unit.userId,
    orgId: unit.orgId,
    start: iso(unit.start),
    end: isoOrOpen(unit.end),
    event: cite(source.kind === 'denial' ? source.denial.seq : source.unit.startSeq),
    endedBy: source.kind === 'unit' ? cite(source.unit.endSeq) : null,
    admitted: decision.admitted,
    source: decision.source,
    availableAtStart: decision.available,
  };
}

function heldView(unit: StoredUnit, cite: Cite) {
  return {
    demand: "held (open at the window's start)",
    id: unit.unitId,
    userId: unit.userId,
    orgId: unit.orgId,
    start: iso(unit.start),
    end: isoOrOpen(unit.end),
    event: cite(unit.startSeq),
    endedBy: cite(unit.endSeq),
  };
}

function peakUnitView(c: WhatIfComputation, unit: PeakUnit, cite: Cite) {
  return unit.kind === 'held' ? heldView(unit.unit, cite) : demandView(c, unit.entry, cite);
}
