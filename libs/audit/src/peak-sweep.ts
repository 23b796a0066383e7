/** A half-open interval [start, end) of business time (ms); end may be +∞ (still open). */
export interface Interval {
  readonly start: number;
  readonly end: number;
}

/**
 * For each span [start, end) — ascending, not overlapping — the most intervals open at one instant
 * within it (0 for an empty span), by a sweep over +1/−1 points: at an instant where some intervals
 * end and others start, the ends count first, so [a, t) and [t, b) never overlap.
 */
export function peaksWithin(intervals: readonly Interval[], spans: readonly Interval[]): number[] {
  const points: { at: number; d: number }[] = [];
  for (const i of intervals) {
    if (!(i.end > i.start)) continue;
    points.push({ at: i.start, d: 1 });
    if (Number.isFinite(i.end)) points.push({ at: i.end, d: -1 });
  }
  points.sort((a, b) => a.at - b.at || a.d - b.d);
  // The level after every change at each instant: the number open at that instant.
  const instants: number[] = [];
  const levels: number[] = [];
  let level = 0;
  for (const p of points) {
    level += p.d;
    if (instants.length > 0 && instants[instants.length - 1] === p.at) levels[levels.length - 1] = level;
    else {
      instants.push(p.at);
      levels.push(level);
    }
  }
  let k = 0;
  let current = 0;
  return spans.map((span) => {
    if (!(span.end > span.start)) return 0;
    while (k < instants.length && instants[k]! <= span.start) current = levels[k++]!;
    let peak = current;
    for (let j = k; j < instants.length && instants[j]! < span.end; j += 1) peak = Math.max(peak, levels[j]!);
    return peak;
  });
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
