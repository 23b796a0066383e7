import { type Interval, peaksWithin } from '../../../domain/src/rules/peak-sweep.js';
import { SLOT_MS } from '../../../../projections/shared/usage-slots.js';
import { seededRandom } from '../testing/random-history.js';
import { peaksPerSubBucket, type ConcurrencySource } from './concurrency.js';

/** The store as the projection keeps it, in memory: slot peaks of the closed intervals. */
function memorySource(closed: readonly Interval[], open: readonly Interval[], calls: string[] = []): ConcurrencySource {
  const slots = new Map<number, number>();
  for (const i of closed) {
    for (let s = Math.floor(i.start / SLOT_MS); s * SLOT_MS < i.end; s++) {
      slots.set(s, peaksWithin(closed, [{ start: s * SLOT_MS, end: (s + 1) * SLOT_MS }])[0]!);
    }
  }
  return {
    async slotMaxima(thresholds, endSlot, exclude) {
      calls.push('slotMaxima');
      const result = new Map<number, number>();
      for (const [slot, peak] of slots) {
        if (slot < thresholds[0]! || slot >= endSlot || exclude.includes(slot)) continue;
        let g = 0;
        while (g + 1 < thresholds.length && thresholds[g + 1]! <= slot) g++;
        result.set(g, Math.max(result.get(g) ?? 0, peak));
      }
      return result;
    },
    async closedOverlapping(ranges) {
      calls.push('closedOverlapping');
      return closed.filter((i) => ranges.some((r) => i.start < r.end && i.end > r.start));
    },
    async open() {
      return open;
    },
  };
}

const T0 = Date.parse('2026-03-02T00:00:00Z');
const MIN = 60_000;

describe('peaksPerSubBucket', () => {
  it('counts back-to-back intervals once: an end at t and a start at t never overlap', async () => {
    const closed = [
      { start: T0 + 10 * MIN, end: T0 + 40 * MIN },
      { start: T0 + 40 * MIN, end: T0 + 70 * MIN },
    ];
    expect(await peaksPerSubBucket([{ start: T0, end: T0 + 120 * MIN }], memorySource(closed, []))).toEqual([1]);
  });

  it('adds open intervals to the stored slot peaks', async () => {
    const closed = [{ start: T0, end: T0 + 60 * MIN }];
    const open = [{ start: T0 + 30 * MIN, end: Number.POSITIVE_INFINITY }];
    const hours = [
      { start: T0, end: T0 + 60 * MIN },
      { start: T0 + 60 * MIN, end: T0 + 90 * MIN },
    ];
    expect(await peaksPerSubBucket(hours, memorySource(closed, open))).toEqual([2, 1]);
  });

  it('queries only whole slots when every cut is on the 15-minute grid', async () => {
    const calls: string[] = [];
    const closed = [{ start: T0 + 7 * MIN, end: T0 + 50 * MIN }];
    expect(await peaksPerSubBucket([{ start: T0, end: T0 + 60 * MIN }], memorySource(closed, [], calls))).toEqual([1]);
    expect(calls).toEqual(['slotMaxima']);
  });

  it('gives 0 to empty sub-buckets and those without intervals', async () => {
    const closed = [{ start: T0, end: T0 + 10 * MIN }];
    expect(
      await peaksPerSubBucket(
        [
          { start: T0, end: T0 + 60 * MIN },
          { start: T0 + 60 * MIN, end: T0 + 60 * MIN },
        ],
        memorySource(closed, []),
      ),
    ).toEqual([1, 0]);
    expect(await peaksPerSubBucket([], memorySource(closed, []))).toEqual([]);
  });

  it.each(Array.from({ length: 40 }, (_, i) => i + 1))('agrees with a brute-force sweep on random intervals (seed %i)', async (seed) => {
    const rnd = seededRandom(seed);
    const span = 2 * 86_400_000;
    // Instants on a 1-minute grid, some on the slot grid, some not.
    const instant = () => T0 + Math.floor(rnd() * (span / MIN)) * MIN;
    const closed: Interval[] = Array.from({ length: Math.floor(rnd() * 60) }, () => {
      const start = instant();
      return { start, end: start + Math.floor(1 + rnd() * (rnd() < 0.1 ? 3000 : 120)) * MIN };
    });
    const open: Interval[] = Array.from({ length: Math.floor(rnd() * 4) }, () => {
      const start = instant();
      return { start, end: rnd() < 0.5 ? Number.POSITIVE_INFINITY : start + Math.floor(1 + rnd() * 100) * MIN };
    });
    // Sub-buckets: contiguous, lengths of 7..200 minutes (unaligned cuts included), the last clipped to "now".
    const subs: Interval[] = [];
    let at = T0 + Math.floor(rnd() * 100) * MIN;
    const now = T0 + span - Math.floor(rnd() * 300) * MIN;
    while (at < T0 + span) {
      const end = at + Math.floor(7 + rnd() * 193) * MIN;
      subs.push({ start: Math.min(at, now), end: Math.min(end, now) });
      at = end;
    }
    const expected = subs.map((s) => peaksWithin([...closed, ...open], [s])[0]!);
    expect(await peaksPerSubBucket(subs, memorySource(closed, open))).toEqual(expected);
  });
});
