/**
 * The session lease (SPEC §3): a session with no heartbeat or end for a whole lease after it was last
 * seen (its start or its latest heartbeat) ended when that lease ran out — in business time, whether
 * or not `SessionExpired` has been appended yet. Every instant is epoch milliseconds.
 */

/** `SESSION_LEASE_SECONDS` when the environment does not set it. */
export const DEFAULT_LEASE_SECONDS = 900;

/** The instant a session last seen at `lastSeen` is over if nothing extends it. */
export function leaseLapsesAt(lastSeen: number, leaseMs: number): number {
  return lastSeen + leaseMs;
}

/** Whether the lease of a session last seen at `lastSeen` still holds at `at` (it lapses strictly after). */
export function isLeaseLive(lastSeen: number, at: number, leaseMs: number): boolean {
  return leaseLapsesAt(lastSeen, leaseMs) > at;
}

/** For a session with no recorded end: the instant its lease lapsed if that is at or before `now`, else null (open). */
export function lapsedLeaseEnd(lastSeen: number, now: number, leaseMs: number): number | null {
  const end = leaseLapsesAt(lastSeen, leaseMs);
  return end <= now ? end : null;
}

/** A session as the lease rule needs it: when it was last seen and its recorded end, if any. */
export interface LeasedSession {
  readonly lastSeen: number;
  /** From SessionEnded / SessionExpired; null while none is recorded. */
  readonly endedAt: number | null;
}

/** When a session is over, seen at `now`: its recorded end, else its lapsed lease, else null (still open). */
export function sessionEndAt(session: LeasedSession, now: number, leaseMs: number): number | null {
  return session.endedAt ?? lapsedLeaseEnd(session.lastSeen, now, leaseMs);
}

/**
 * The lease rule as the values a query applies to a stored `last_seen` at `now`: a session with no
 * recorded end has lapsed when `last_seen ≤ lapsedIfLastSeenBy`, and then ended at
 * `last_seen + leaseMs` (`leaseLapsesAt`). Reports that filter or sort in SQL pass these in.
 */
export function leaseCutoff(now: number, leaseMs: number): { readonly lapsedIfLastSeenBy: number; readonly leaseMs: number } {
  return { lapsedIfLastSeenBy: now - leaseMs, leaseMs };
}
