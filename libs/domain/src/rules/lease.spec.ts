import { isLeaseLive, lapsedLeaseEnd, leaseCutoff, leaseLapsesAt, sessionEndAt } from './lease.js';

const LEASE = 900_000;

describe('the session lease (SPEC §3)', () => {
  it('lapses a whole lease after the session was last seen', () => {
    expect(leaseLapsesAt(10_000, LEASE)).toBe(910_000);
    expect(isLeaseLive(10_000, 909_999, LEASE)).toBe(true);
    expect(isLeaseLive(10_000, 910_000, LEASE)).toBe(false);
  });

  it('ends a session with no recorded end at the lapse once that is at or before now', () => {
    expect(lapsedLeaseEnd(10_000, 909_999, LEASE)).toBeNull();
    expect(lapsedLeaseEnd(10_000, 910_000, LEASE)).toBe(910_000);
    expect(sessionEndAt({ lastSeen: 10_000, endedAt: null }, 2_000_000, LEASE)).toBe(910_000);
  });

  it('prefers the recorded end (SessionEnded / SessionExpired)', () => {
    expect(sessionEndAt({ lastSeen: 10_000, endedAt: 50_000 }, 2_000_000, LEASE)).toBe(50_000);
    expect(sessionEndAt({ lastSeen: 10_000, endedAt: 50_000 }, 20_000, LEASE)).toBe(50_000);
  });

  it('gives queries the cutoff that agrees with lapsedLeaseEnd at every lastSeen', () => {
    const now = 5_000_000;
    const { lapsedIfLastSeenBy, leaseMs } = leaseCutoff(now, LEASE);
    for (const lastSeen of [now - LEASE - 1, now - LEASE, now - LEASE + 1, now]) {
      expect(lastSeen <= lapsedIfLastSeenBy ? lastSeen + leaseMs : null).toBe(lapsedLeaseEnd(lastSeen, now, LEASE));
    }
  });
});
