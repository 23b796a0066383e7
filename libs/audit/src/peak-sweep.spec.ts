import { openAt, peakWithin } from './peak-sweep.js';

describe('peakWithin', () => {
  it('never overlaps an interval ending at t with one starting at t (SPEC §2, half-open)', () => {
    expect(
      peakWithin(
        [
          { start: 0, end: 10 },
          { start: 10, end: 20 },
        ],
        0,
        30,
      ),
    ).toEqual({ peak: 1, at: 0 });
  });

  it('gives the earliest instant of the peak, inside the range', () => {
    const intervals = [
      { start: 0, end: 50 },
      { start: 5, end: 15 },
      { start: 30, end: 40 },
      { start: 35, end: Number.POSITIVE_INFINITY },
    ];
    expect(peakWithin(intervals, 0, 100)).toEqual({ peak: 3, at: 35 });
    expect(peakWithin(intervals, 0, 20)).toEqual({ peak: 2, at: 5 });
    expect(peakWithin(intervals, 12, 20)).toEqual({ peak: 2, at: 12 });
  });

  it('is 0 with no instant when nothing is open in the range', () => {
    expect(peakWithin([{ start: 0, end: 10 }], 10, 20)).toEqual({ peak: 0, at: null });
  });
});

describe('openAt', () => {
  it('holds the intervals with start ≤ t < end', () => {
    const a = { start: 0, end: 10 };
    const b = { start: 10, end: 20 };
    expect(openAt([a, b], 10)).toEqual([b]);
  });
});
