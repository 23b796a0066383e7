/** A half-open interval [start, end) of epoch ms; `end` may be +∞ (still open). */
export interface Interval {
  readonly start: number;
  readonly end: number;
}

export interface Peak {
  /** The most intervals open at one instant of the range (0 when none is). */
  readonly peak: number;
  /** The earliest instant of the range at which `peak` intervals are open; null when the peak is 0. */
  readonly at: number | null;
}

/**
 * The peak of [from, to) by a sweep over +1 (start) and −1 (end) points. An end at t is applied
 * before a start at t, so intervals that touch never overlap (SPEC §2).
 */
export function peakWithin(intervals: readonly Interval[], from: number, to: number): Peak {
  const points: [number, number][] = [];
  for (const i of intervals) {
    const start = Math.max(i.start, from);
    const end = Math.min(i.end, to);
    if (start >= end) continue;
    points.push([start, 1], [end, -1]);
  }
  points.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let level = 0;
  let best: Peak = { peak: 0, at: null };
  for (const [instant, delta] of points) {
    level += delta;
    if (level > best.peak) best = { peak: level, at: instant };
  }
  return best;
}

/** The intervals open at `instant`. */
export function openAt<T extends Interval>(intervals: readonly T[], instant: number): T[] {
  return intervals.filter((i) => i.start <= instant && instant < i.end);
}
