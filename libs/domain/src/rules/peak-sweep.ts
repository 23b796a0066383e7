/**
 * Peaks of concurrency (SPEC §2, §4.5, §4.6): the most half-open intervals [start, end) open at one
 * instant, by one sweep over +1 (start) and −1 (end) points in which, at one instant, ends count
 * before starts — so [a, t) and [t, b) never overlap. Instants are epoch milliseconds; an end may be
 * +∞ (still open).
 */
export interface Interval {
  readonly start: number;
  readonly end: number;
}

export interface Peak {
  /** The most intervals open at one instant of the span (0 when none is). */
  readonly peak: number;
  /** The earliest instant of the span at which `peak` intervals are open; null when the peak is 0. */
  readonly at: number | null;
}

/**
 * For each span [start, end) — ascending and not overlapping — its peak and the earliest instant of
 * it (0 and null for an empty span). One sort of the points, one pass over the spans.
 */
export function peaksAndInstants(intervals: readonly Interval[], spans: readonly Interval[]): Peak[] {
  const result: Peak[] = [];
  const points = sweepPoints(intervals);
  let level = 0;
  let p = 0;
  for (const span of spans) {
    if (!(span.end > span.start)) {
      result.push(NO_PEAK);
      continue;
    }
    // The level at span.start: after every point at or before it.
    while (p < points.length && points[p]!.at <= span.start) level += points[p++]!.delta;
    let best: Peak = level > 0 ? { peak: level, at: span.start } : NO_PEAK;
    while (p < points.length && points[p]!.at < span.end) {
      const at = points[p]!.at;
      while (p < points.length && points[p]!.at === at) level += points[p++]!.delta;
      if (level > best.peak) best = { peak: level, at };
    }
    result.push(best);
  }
  return result;
}

/** For each span — ascending, not overlapping — the most intervals open at one instant within it. */
export function peaksWithin(intervals: readonly Interval[], spans: readonly Interval[]): number[] {
  return peaksAndInstants(intervals, spans).map((p) => p.peak);
}

/** The peak of [from, to) and its earliest instant. */
export function peakWithin(intervals: readonly Interval[], from: number, to: number): Peak {
  return peaksAndInstants(intervals, [{ start: from, end: to }])[0]!;
}

/** The intervals open at `instant`. */
export function openAt<T extends Interval>(intervals: readonly T[], instant: number): T[] {
  return intervals.filter((i) => i.start <= instant && instant < i.end);
}

const NO_PEAK: Peak = { peak: 0, at: null };

/** +1 at each start, −1 at each finite end, by instant; at one instant ends before starts. */
function sweepPoints(intervals: readonly Interval[]): { at: number; delta: number }[] {
  const points: { at: number; delta: number }[] = [];
  for (const i of intervals) {
    if (!(i.end > i.start)) continue;
    points.push({ at: i.start, delta: 1 });
    if (Number.isFinite(i.end)) points.push({ at: i.end, delta: -1 });
  }
  points.sort((a, b) => a.at - b.at || a.delta - b.delta);
  return points;
}
