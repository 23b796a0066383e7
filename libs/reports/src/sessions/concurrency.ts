import { type Interval, peaksWithin } from '../../../domain/src/rules/peak-sweep.js';
import { clusterSlots, SLOT_MS } from '../../../../projections/shared/usage-slots.js';

/**
 * Where the peaks come from: the projection's 15-minute slot peaks of closed intervals, the closed
 * intervals themselves (for slots that must be swept), and the intervals still open in the store.
 */
export interface ConcurrencySource {
  /** Highest stored slot peak per group (see `slotMaxima` of the projection); groups without rows absent. */
  slotMaxima(thresholds: readonly number[], endSlot: number, exclude: readonly number[]): Promise<Map<number, number>>;
  /** Closed intervals overlapping any of `ranges` (a superset is fine). */
  closedOverlapping(ranges: readonly Interval[]): Promise<readonly Interval[]>;
  /** Intervals not closed in the store: ended by lease (finite end) or still open (end +∞). */
  open(): Promise<readonly Interval[]>;
}

/**
 * For each sub-bucket [start, end) — contiguous, ascending, ends already clipped to now — the most
 * intervals open at one instant within it (intervals half-open; an end at t and a start at t never
 * overlap).
 *
 * The timeline is cut at every sub-bucket boundary and at every start and end of an open interval
 * into segments, each inside one sub-bucket and with a constant number of open intervals. A 15-minute
 * slot with no cut strictly inside lies whole in one segment: its stored peak plus that segment's open
 * count is exact, and one grouped query returns the max per segment. The few slots with a cut inside
 * (now, a zone whose hours are not on the 15-minute grid, the start or lease end of an open interval)
 * are swept from the raw intervals, piece by piece.
 */
export async function peaksPerSubBucket(subBuckets: readonly Interval[], source: ConcurrencySource): Promise<number[]> {
  const result = subBuckets.map(() => 0);
  const live = subBuckets.map((b, index) => ({ ...b, index })).filter((b) => b.end > b.start);
  if (live.length === 0) return result;
  const from = live[0]!.start;
  const to = live.at(-1)!.end;
  const open = (await source.open()).map((i) => ({ start: Math.max(i.start, from), end: Math.min(i.end, to) })).filter((i) => i.end > i.start);

  const cuts = new Set<number>();
  for (const b of live) cuts.add(b.start).add(b.end);
  for (const i of open) cuts.add(i.start).add(i.end);
  const points = [...cuts].sort((a, b) => a - b);

  // Segments [points[j], points[j+1]) that lie inside a live sub-bucket.
  const segments: { start: number; end: number; sub: number; openCount: number }[] = [];
  let s = 0;
  for (let j = 0; j + 1 < points.length; j++) {
    const start = points[j]!;
    const end = points[j + 1]!;
    while (s < live.length && live[s]!.end <= start) s++;
    if (s >= live.length || live[s]!.start > start) continue;
    let openCount = 0;
    for (const i of open) if (i.start <= start && i.end > start) openCount++;
    segments.push({ start, end, sub: live[s]!.index, openCount });
  }

  const dirty = [...new Set(points.filter((p) => p % SLOT_MS !== 0).map((p) => Math.floor(p / SLOT_MS)))].sort((a, b) => a - b);

  // Whole slots: one grouped query, one group per segment with at least one whole slot.
  const thresholds: number[] = [];
  const groupSegments: number[] = [];
  let endSlot = 0;
  segments.forEach((segment, j) => {
    const lo = Math.ceil(segment.start / SLOT_MS);
    const hi = Math.floor(segment.end / SLOT_MS);
    if (lo >= hi) return;
    thresholds.push(lo);
    groupSegments.push(j);
    endSlot = hi;
  });
  const maxima = await source.slotMaxima(thresholds, endSlot, dirty);
  groupSegments.forEach((j, g) => {
    const segment = segments[j]!;
    const value = (maxima.get(g) ?? 0) + segment.openCount;
    if (value > result[segment.sub]!) result[segment.sub] = value;
  });

  // Cut slots: swept piece by piece from the raw intervals.
  if (dirty.length > 0) {
    const pieces: { start: number; end: number; sub: number }[] = [];
    for (const slot of dirty) {
      const start = Math.max(slot * SLOT_MS, from);
      const end = Math.min((slot + 1) * SLOT_MS, to);
      const inner = points.filter((p) => p > start && p < end);
      const bounds = [start, ...inner, end];
      for (let k = 0; k + 1 < bounds.length; k++) {
        const segment = segmentAt(segments, bounds[k]!);
        if (segment) pieces.push({ start: bounds[k]!, end: bounds[k + 1]!, sub: segment.sub });
      }
    }
    const closed = await source.closedOverlapping(clusterSlots(dirty));
    const levels = peaksWithin([...closed, ...open], pieces);
    pieces.forEach((piece, k) => {
      if (levels[k]! > result[piece.sub]!) result[piece.sub] = levels[k]!;
    });
  }
  return result;
}

function segmentAt<T extends Interval>(segments: readonly T[], at: number): T | undefined {
  let lo = 0;
  let hi = segments.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const segment = segments[mid]!;
    if (at < segment.start) hi = mid - 1;
    else if (at >= segment.end) lo = mid + 1;
    else return segment;
  }
  return undefined;
}
