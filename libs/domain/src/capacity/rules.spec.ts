import { deniedDemandSeconds, medianDurationSeconds } from './demand.js';
import { countedDenials, unmetAfter, type DeniedAttempt } from './denial-folding.js';
import { calendarDaysBetween, idleDays } from './idle-days.js';
import { DAY_MS, returnedWithin, tenureUnderPolicy } from './reclaim-policy.js';
import { exhaustionIndex, leastSquares, slope2, trendAt2 } from './trend.js';

/** SPEC §8 rules on small histories worked out by hand. */

const MIN = 60_000;
const at = (iso: string): number => Date.parse(iso);

describe('§8.1 the duration of a denied attempt', () => {
  it('is the median of the accepted durations, in whole seconds rounded down', () => {
    expect(medianDurationSeconds([90_500, 10_000, 30_999])).toBe(30);
  });
  it('takes the mean of the two middle ones for an even count, then rounds down', () => {
    expect(medianDurationSeconds([60_000, 61_000, 1_000, 500_000])).toBe(60); // (60 + 61) / 2 = 60.5
  });
  it('is 0 with no accepted session, and deniedDuration when given (0 included)', () => {
    expect(medianDurationSeconds([])).toBe(0);
    expect(deniedDemandSeconds(undefined, [])).toBe(0);
    expect(deniedDemandSeconds(600, [1_000])).toBe(600);
    expect(deniedDemandSeconds(0, [100_000])).toBe(0);
  });
});

describe('§8.3 folding retries into true denials (retryWindow 10 minutes)', () => {
  const attempt = (key: string, minute: number): DeniedAttempt => ({ key, at: minute * MIN });

  it('folds attempts up to the window after the previous counted denial, inclusive; folded ones do not extend it', () => {
    const attempts = [0, 5, 10, 11, 15, 21, 22].map((m) => attempt('u1', m));
    // 0 counted; 5, 10 folded (10 is exactly the window); 11 counted; 15 and 21 folded (≤ 11 + 10); 22 counted.
    expect(countedDenials(attempts, 10 * MIN)).toEqual([true, false, false, true, false, false, true]);
  });

  it('folds per user (TrueTest: per application)', () => {
    expect(countedDenials([attempt('u1', 0), attempt('u2', 1), attempt('u1', 2), attempt('u2', 20)], 10 * MIN)).toEqual([true, true, false, true]);
  });

  it('calls a denial unmet when no accepted start follows in (t, t + window]', () => {
    const t = 100 * MIN;
    expect(unmetAfter(t, [t], 10 * MIN)).toBe(true); // at t itself: not after
    expect(unmetAfter(t, [t + 1], 10 * MIN)).toBe(false);
    expect(unmetAfter(t, [t + 10 * MIN], 10 * MIN)).toBe(false); // inclusive
    expect(unmetAfter(t, [t + 10 * MIN + 1], 10 * MIN)).toBe(true);
    expect(unmetAfter(t, [t - MIN, t + 20 * MIN], 10 * MIN)).toBe(true);
    expect(unmetAfter(t, [], 10 * MIN)).toBe(true);
  });
});

describe('§8.2b reclaim policy (idle 2 days)', () => {
  const idle = 2 * DAY_MS;
  const day = (n: number, hours = 0) => at('2026-03-01T00:00:00Z') + n * DAY_MS + hours * 3_600_000;
  const horizon = day(60);

  it('reclaims a seat idle for exactly 2 × 24 h since its assignment, never returned', () => {
    const result = tenureUnderPolicy({ assignedAt: day(0), unassignedAt: null }, [], idle, horizon);
    expect(result.reclaims).toEqual([{ at: day(2), idleSince: day(0), returnedAt: null }]);
    expect(result.spans).toEqual([{ start: day(0), end: day(2) }]);
  });

  it('keeps the seat when an activity falls exactly at the reclaim instant', () => {
    const result = tenureUnderPolicy({ assignedAt: day(0), unassignedAt: day(3) }, [day(2)], idle, horizon);
    expect(result.reclaims).toEqual([]);
    expect(result.spans).toEqual([{ start: day(0), end: day(3) }]);
  });

  it('counts idle time from the later of the assignment and the last activity; activity before the assignment does not count', () => {
    const result = tenureUnderPolicy({ assignedAt: day(10), unassignedAt: null }, [day(9), day(11)], idle, horizon);
    expect(result.reclaims[0]).toEqual({ at: day(13), idleSince: day(11), returnedAt: null });
  });

  it('returns the seat at the first activity after the reclaim, policy-assigned again from it', () => {
    const result = tenureUnderPolicy({ assignedAt: day(0), unassignedAt: null }, [day(1), day(5, 6), day(6), day(20)], idle, horizon);
    expect(result.reclaims).toEqual([
      { at: day(3), idleSince: day(1), returnedAt: day(5, 6) },
      { at: day(8), idleSince: day(6), returnedAt: day(20) },
      { at: day(22), idleSince: day(20), returnedAt: null },
    ]);
    expect(result.spans).toEqual([
      { start: day(0), end: day(3) },
      { start: day(5, 6), end: day(8) },
      { start: day(20), end: day(22) },
    ]);
  });

  it('has no return after the real unassignment (a later assignment is a new seat) nor at or after the horizon', () => {
    const tenure = tenureUnderPolicy({ assignedAt: day(0), unassignedAt: day(4) }, [day(4), day(5)], idle, horizon);
    expect(tenure.reclaims).toEqual([{ at: day(2), idleSince: day(0), returnedAt: null }]);
    const cut = tenureUnderPolicy({ assignedAt: day(0), unassignedAt: null }, [day(7)], idle, day(7));
    expect(cut.reclaims).toEqual([{ at: day(2), idleSince: day(0), returnedAt: null }]);
  });

  it('does not reclaim at or after the real unassignment, nor after the horizon', () => {
    expect(tenureUnderPolicy({ assignedAt: day(0), unassignedAt: day(2) }, [], idle, horizon).reclaims).toEqual([]);
    const held = tenureUnderPolicy({ assignedAt: day(0), unassignedAt: null }, [], idle, day(1));
    expect(held).toEqual({ reclaims: [], spans: [{ start: day(0), end: day(1) }] });
  });

  it('counts a return within 7 days at exactly 7 × 24 h, not a millisecond later', () => {
    const reclaim = (after: number) => ({ at: day(2), idleSince: day(0), returnedAt: day(2) + after });
    expect(returnedWithin(reclaim(7 * DAY_MS), 7)).toBe(true);
    expect(returnedWithin(reclaim(7 * DAY_MS + 1), 7)).toBe(false);
    expect(returnedWithin({ at: day(2), idleSince: day(0), returnedAt: null }, 30)).toBe(false);
  });
});

describe('§8.4 least-squares trend', () => {
  it('goes through a straight line exactly', () => {
    const trend = leastSquares([2, 4, 6, 8]);
    expect(slope2(trend)).toBe(2);
    expect([4, 5].map((x) => trendAt2(trend, x))).toEqual([10, 12]);
  });

  it('fits values off the line: 1, 1, 2, 4 → slope 1.00, intercept 0.50; projects 4.50, 5.50', () => {
    // x̄ = 1.5, ȳ = 2; Σ(x−x̄)(y−ȳ) = 1.5·1 + 0.5·1 + 0.5·0 + 1.5·2 = 5; Σ(x−x̄)² = 5.
    const trend = leastSquares([1, 1, 2, 4]);
    expect(slope2(trend)).toBe(1);
    expect([4, 5].map((x) => trendAt2(trend, x))).toEqual([4.5, 5.5]);
  });

  it('rounds to 2 decimals half up, exactly: 0, 0, 1 → slope 0.50, next 1.33', () => {
    const trend = leastSquares([0, 0, 1]);
    expect(slope2(trend)).toBe(0.5);
    expect(trendAt2(trend, 3)).toBe(1.33); // −1/6 + 3/2 = 4/3
    expect(slope2(leastSquares([3, 2, 1]))).toBe(-1);
  });

  it('finds the first projected bucket whose unrounded value reaches the dedicated quantity', () => {
    const trend = leastSquares([0, 0, 1]); // projects 4/3, 11/6, 7/3, 17/6, 10/3
    expect(exhaustionIndex(trend, 5, 3)).toBe(4);
    expect(exhaustionIndex(trend, 4, 3)).toBeNull();
    expect(exhaustionIndex(trend, 5, 0)).toBeNull(); // no dedication
    expect(exhaustionIndex(leastSquares([1, 1, 1]), 3, 1)).toBe(0); // a flat line at the quantity reaches it at once
  });

  it('compares the unrounded value: 2.9965 prints 3.00 but does not reach 3', () => {
    const trend = leastSquares([0, 3, 3, 1, 2, 0, 2, 0, 5, 3, 3, 2]);
    expect(trendAt2(trend, 13)).toBe(3);
    expect(exhaustionIndex(trend, 2, 3)).toBeNull();
  });
});

describe('§8.2 idle days: local calendar days, in the account zone', () => {
  it('counts dates, not 24-hour periods: two minutes across local midnight in Asia/Kolkata (+05:30) is one day', () => {
    expect(idleDays(at('2026-01-01T18:29:00Z'), null, at('2026-01-01T18:31:00Z'), 'Asia/Kolkata')).toBe(1);
    expect(idleDays(at('2026-01-01T18:31:00Z'), null, at('2026-01-02T18:29:00Z'), 'Asia/Kolkata')).toBe(0);
  });

  it('counts a 23-hour DST day as one (America/New_York, 2026-03-08)', () => {
    // Saturday 2026-03-07 23:30 local (−05:00) to Monday 2026-03-09 00:10 local (−04:00): 2 dates later, 23 h 40 min + 1 day.
    expect(idleDays(at('2026-03-08T04:30:00Z'), null, at('2026-03-09T04:10:00Z'), 'America/New_York')).toBe(2);
  });

  it('counts from the later of the assignment and the last active use', () => {
    const assigned = at('2026-03-01T12:00:00Z');
    expect(idleDays(assigned, at('2026-03-10T12:00:00Z'), at('2026-03-15T12:00:00Z'), 'UTC')).toBe(5);
    expect(idleDays(assigned, at('2026-02-10T12:00:00Z'), at('2026-03-15T12:00:00Z'), 'UTC')).toBe(14);
    expect(calendarDaysBetween('2026-02-27', '2026-03-01')).toBe(2);
  });
});
