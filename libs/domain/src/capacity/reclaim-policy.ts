/**
 * SPEC §8.2b reclaim back-test: seats follow the real assignments, and a seat held for N × 24 h with
 * no qualifying activity since the later of its policy assignment and the holder's last activity is
 * reclaimed at that instant; an activity exactly then keeps it. The holder's first activity after a
 * reclaim, before the real unassignment and before the horizon (the window's end), returns the seat,
 * policy-assigned again from that activity. A real re-assignment is a new tenure, not a return.
 */

/** One real assignment of a seat: [assignedAt, unassignedAt), unassignedAt null while it is held. */
export interface SeatTenure {
  readonly assignedAt: number;
  readonly unassignedAt: number | null;
}

export interface Reclaim {
  /** The instant the policy takes the seat back: anchor + N × 24 h. */
  readonly at: number;
  /** The policy assignment or activity the idle time is counted from. */
  readonly idleSince: number;
  /** The activity that returned the seat, or null if none did before the horizon (or the real unassignment). */
  readonly returnedAt: number | null;
}

/** A stretch [start, end) in which the policy holds the seat (end = the horizon when it still holds it then). */
export interface PolicySpan {
  readonly start: number;
  readonly end: number;
}

export interface TenureUnderPolicy {
  readonly spans: readonly PolicySpan[];
  readonly reclaims: readonly Reclaim[];
}

export const DAY_MS = 86_400_000;

/**
 * One tenure replayed under the policy up to `horizon`. `activity`: the holder's qualifying activity
 * instants for the product, ascending (any, the tenure's are picked). `idleMs` > 0.
 */
export function tenureUnderPolicy(tenure: SeatTenure, activity: readonly number[], idleMs: number, horizon: number): TenureUnderPolicy {
  const stop = Math.min(tenure.unassignedAt ?? Number.POSITIVE_INFINITY, horizon);
  const spans: PolicySpan[] = [];
  const reclaims: Reclaim[] = [];
  if (!(stop > tenure.assignedAt)) return { spans, reclaims };
  let spanStart = tenure.assignedAt;
  let anchor = tenure.assignedAt;
  for (let i = firstAtOrAfter(activity, tenure.assignedAt); i < activity.length && activity[i]! < stop; i += 1) {
    const at = activity[i]!;
    if (at > anchor + idleMs) {
      // Idle for N × 24 h before this activity: reclaimed then, returned now.
      reclaims.push({ at: anchor + idleMs, idleSince: anchor, returnedAt: at });
      spans.push({ start: spanStart, end: anchor + idleMs });
      spanStart = at;
    }
    anchor = at;
  }
  if (anchor + idleMs < stop) {
    reclaims.push({ at: anchor + idleMs, idleSince: anchor, returnedAt: null });
    spans.push({ start: spanStart, end: anchor + idleMs });
  } else {
    spans.push({ start: spanStart, end: stop });
  }
  return { spans, reclaims };
}

function firstAtOrAfter(sorted: readonly number[], instant: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < instant) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** "Returned within N days": at most N × 24 h after the reclaim. */
export function returnedWithin(reclaim: Reclaim, days: number): boolean {
  return reclaim.returnedAt !== null && reclaim.returnedAt - reclaim.at <= days * DAY_MS;
}
