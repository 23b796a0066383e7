import { openAt, peaksWithin, peakWithin } from './peak-sweep.js';

const H = 3_600_000;
/** SPEC §7: s1 [10:00, 11:00), s2 [10:30, 12:00), s3 [11:00, 11:30), hours from midnight. */
const sessions = [
  { start: 10 * H, end: 11 * H },
  { start: 10.5 * H, end: 12 * H },
  { start: 11 * H, end: 11.5 * H },
];

describe('the peak sweep (SPEC §2: ends before starts)', () => {
  it('gives the §7 hourly peaks: 2 at 10:00–11:00 and 11:00–12:00, 0 at 12:00–13:00', () => {
    expect(
      peaksWithin(sessions, [
        { start: 10 * H, end: 11 * H },
        { start: 11 * H, end: 12 * H },
        { start: 12 * H, end: 13 * H },
      ]),
    ).toEqual([2, 2, 0]);
  });

  it('never counts an interval ending at t together with one starting at t', () => {
    expect(
      peakWithin(
        [
          { start: 0, end: 10 },
          { start: 10, end: 20 },
        ],
        0,
        20,
      ),
    ).toEqual({ peak: 1, at: 0 });
  });

  it('names the earliest instant of the peak, and counts intervals open before the span', () => {
    expect(peakWithin(sessions, 10.75 * H, 13 * H)).toEqual({ peak: 2, at: 10.75 * H });
    expect(peakWithin(sessions, 12 * H, 13 * H)).toEqual({ peak: 0, at: null });
  });

  it('keeps open-ended intervals open, and an empty span peaks at 0', () => {
    expect(
      peaksWithin(
        [{ start: 5, end: Number.POSITIVE_INFINITY }],
        [
          { start: 0, end: 5 },
          { start: 5, end: 6 },
          { start: 7, end: 7 },
        ],
      ),
    ).toEqual([0, 1, 0]);
    expect(openAt(sessions, 11 * H)).toEqual([sessions[1], sessions[2]]);
  });
});
