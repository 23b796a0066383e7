import { latestRecordInstant } from '../../../domain/src/index.js';
import { iso, type Cite, type Figure } from './explain-figure.js';
import { heldAtRecord, type HeldPiece, type ReclaimComputation } from './reclaim-backtest.report.js';

/**
 * Explain on a reclaim-backtest bucket (SPEC §8.2b): the seats held by the scope's users at the
 * bucket's latest record — under the policy, with the reclaims and returns of their tenure up to then,
 * or in reality — each with its SeatAssigned (and SeatUnassigned) event, from the replay the report ran.
 */
export const RECLAIM_METRICS: readonly string[] = ['assigned', 'assignedActual'];

export function reclaimFigure(c: ReclaimComputation, index: number, metric: string): Figure {
  const bucket = c.plan.buckets[index]!;
  const recordAt = iso(latestRecordInstant(bucket, c.now));
  if (metric === 'assignedActual') {
    const held = heldAtRecord(c.actual, bucket, c.now);
    return { value: held.length, details: (cite) => ({ recordAt, seats: held.map((p) => seatView(p, cite)) }) };
  }
  if (metric !== 'assigned') throw new Error(`reclaim-backtest explains no metric '${metric}'`);
  const held = heldAtRecord(c.policy, bucket, c.now);
  const at = latestRecordInstant(bucket, c.now);
  return {
    value: held.length,
    details: (cite) => ({
      recordAt,
      idleDays: c.idleDays,
      seats: held.map((p) => ({
        ...seatView(p, cite),
        heldUnderPolicySince: iso(p.start),
        reclaims: (c.underPolicy.get(p.tenure)?.reclaims ?? [])
          .filter((r) => r.at <= at)
          .map((r) => ({
            idleSince: iso(r.idleSince),
            reclaimedAt: iso(r.at),
            returnedAt: r.returnedAt === null || r.returnedAt > at ? null : iso(r.returnedAt),
          })),
      })),
    }),
  };
}

function seatView(piece: HeldPiece, cite: Cite) {
  const { tenure } = piece;
  return {
    userId: piece.userId,
    orgId: piece.orgId,
    assignedAt: iso(tenure.assignedAt),
    assignedBy: cite(tenure.assignSeq),
    unassignedAt: tenure.unassignedAt === null ? null : iso(tenure.unassignedAt),
    unassignedBy: cite(tenure.unassignSeq),
  };
}
