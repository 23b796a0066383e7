import { describeProgress, RebuildMeter } from './rebuild-progress.js';

describe('RebuildMeter', () => {
  test('counts the events done against the log, with the rate and the time left', () => {
    let now = 0;
    const meter = new RebuildMeter('sessions', 3, 1_000, 9_000, () => now);
    expect(meter.advance(0)).toEqual({ name: 'sessions', generation: 3, done: 1_000, total: 10_000, eventsPerSecond: 0, etaSeconds: null });
    now = 2_000;
    expect(meter.advance(4_000)).toEqual({ name: 'sessions', generation: 3, done: 5_000, total: 10_000, eventsPerSecond: 2_000, etaSeconds: 3 });
  });

  test('grows the total when the log grew during the rebuild', () => {
    let now = 0;
    const meter = new RebuildMeter('sessions', 1, 0, 100, () => now);
    now = 1_000;
    expect(meter.advance(150)).toMatchObject({ done: 150, total: 150, etaSeconds: 0 });
  });

  test('describes itself in one line for logs', () => {
    expect(describeProgress({ name: 'sessions', generation: 3, done: 450, total: 1_000, eventsPerSecond: 90, etaSeconds: 7 })).toBe(
      'sessions generation 3: 45% (450/1000 events, 90 events/s, ETA 7 s)',
    );
  });
});
