import type { Bucket } from './buckets.js';
import { buckets } from './buckets.js';
import { reportWindow } from './report-window.js';
import { effectiveEnd } from './span.js';

const at = (iso: string): number => Date.parse(iso);
const HOUR = 3_600_000;
const FAR_FUTURE = at('2100-01-01T00:00:00Z');
const NY = 'America/New_York';

const lengthsInHours = (list: Bucket[]) => list.map((b) => (b.end - b.start) / HOUR);
const startIsos = (list: Bucket[]) => list.map((b) => b.startIso);

function thrownBy(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error, nothing was thrown');
}

function expectExactPartition(list: Bucket[], from: string, to: string, zone: string): void {
  const window = reportWindow(from, to, zone);
  expect(list[0]!.start).toBe(window.start);
  expect(list.at(-1)!.end).toBe(window.end);
  list.forEach((bucket, i) => {
    expect(bucket.end).toBeGreaterThan(bucket.start);
    if (i > 0) expect(bucket.start).toBe(list[i - 1]!.end);
  });
}

describe('buckets: hour', () => {
  it('has 23 buckets of one real hour on the spring-forward day (America/New_York 2026-03-08)', () => {
    const list = buckets({ from: '2026-03-08', to: '2026-03-08', interval: 'hour', zone: NY, now: FAR_FUTURE });
    expect(list).toHaveLength(23);
    expect(new Set(lengthsInHours(list))).toEqual(new Set([1]));
    expect(startIsos(list).slice(0, 4)).toEqual([
      '2026-03-08T00:00:00.000-05:00',
      '2026-03-08T01:00:00.000-05:00',
      '2026-03-08T03:00:00.000-04:00',
      '2026-03-08T04:00:00.000-04:00',
    ]);
    expectExactPartition(list, '2026-03-08', '2026-03-08', NY);
  });

  it('has 25 buckets on the fall-back day (America/New_York 2026-11-01), 01:00 twice', () => {
    const list = buckets({ from: '2026-11-01', to: '2026-11-01', interval: 'hour', zone: NY, now: FAR_FUTURE });
    expect(list).toHaveLength(25);
    expect(new Set(lengthsInHours(list))).toEqual(new Set([1]));
    expect(startIsos(list).slice(1, 4)).toEqual(['2026-11-01T01:00:00.000-04:00', '2026-11-01T01:00:00.000-05:00', '2026-11-01T02:00:00.000-05:00']);
    expectExactPartition(list, '2026-11-01', '2026-11-01', NY);
  });

  it('aligns to local hours at :30Z in Asia/Kolkata', () => {
    const list = buckets({ from: '2026-01-01', to: '2026-01-01', interval: 'hour', zone: 'Asia/Kolkata', now: FAR_FUTURE });
    expect(list).toHaveLength(24);
    expect(list[0]!.start).toBe(at('2025-12-31T18:30:00Z'));
    expect(list[1]!.startIso).toBe('2026-01-01T01:00:00.000+05:30');
    expect(list[1]!.start).toBe(at('2025-12-31T19:30:00Z'));
  });

  it('leaves one 30-minute hour on a 30-minute DST shift (Australia/Lord_Howe 2026-10-04)', () => {
    const list = buckets({ from: '2026-10-04', to: '2026-10-04', interval: 'hour', zone: 'Australia/Lord_Howe', now: FAR_FUTURE });
    expect(lengthsInHours(list).reduce((a, b) => a + b)).toBe(23.5);
    expect(list).toHaveLength(24);
    expect(list[2]).toMatchObject({ startIso: '2026-10-04T02:30:00.000+11:00', endIso: '2026-10-04T03:00:00.000+11:00' });
    expect(list[3]!.startIso).toBe('2026-10-04T03:00:00.000+11:00');
  });

  it('allows 31 days', () => {
    expect(buckets({ from: '2026-01-01', to: '2026-01-31', interval: 'hour', zone: NY, now: FAR_FUTURE })).toHaveLength(31 * 24);
  });

  it('rejects 32 days, naming interval', () => {
    expect(thrownBy(() => buckets({ from: '2026-01-01', to: '2026-02-01', interval: 'hour', zone: NY, now: FAR_FUTURE }))).toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [{ path: 'interval', message: expect.stringContaining('at most 31 days') }],
    });
  });
});

describe('buckets: day', () => {
  it('runs from local midnight to local midnight; DST days span 23 h and 25 h', () => {
    const spring = buckets({ from: '2026-03-07', to: '2026-03-09', interval: 'day', zone: NY, now: FAR_FUTURE });
    expect(lengthsInHours(spring)).toEqual([24, 23, 24]);
    expect(spring[1]).toEqual({
      start: at('2026-03-08T05:00:00Z'),
      end: at('2026-03-09T04:00:00Z'),
      startIso: '2026-03-08T00:00:00.000-05:00',
      endIso: '2026-03-09T00:00:00.000-04:00',
    });
    const fall = buckets({ from: '2026-11-01', to: '2026-11-01', interval: 'day', zone: NY, now: FAR_FUTURE });
    expect(lengthsInHours(fall)).toEqual([25]);
  });

  it('has a 23.5 h and a 24.5 h day in Australia/Lord_Howe', () => {
    const zone = 'Australia/Lord_Howe';
    expect(lengthsInHours(buckets({ from: '2026-10-04', to: '2026-10-04', interval: 'day', zone, now: FAR_FUTURE }))).toEqual([23.5]);
    expect(lengthsInHours(buckets({ from: '2026-04-05', to: '2026-04-05', interval: 'day', zone, now: FAR_FUTURE }))).toEqual([24.5]);
  });

  it('turns days at 18:30Z in Asia/Kolkata', () => {
    const list = buckets({ from: '2026-01-01', to: '2026-01-02', interval: 'day', zone: 'Asia/Kolkata', now: FAR_FUTURE });
    expect(list.map((b) => [b.start, b.end])).toEqual([
      [at('2025-12-31T18:30:00Z'), at('2026-01-01T18:30:00Z')],
      [at('2026-01-01T18:30:00Z'), at('2026-01-02T18:30:00Z')],
    ]);
    expect(list[1]!.startIso).toBe('2026-01-02T00:00:00.000+05:30');
  });

  it('writes ISO instants with the offset of each end', () => {
    const [first] = buckets({ from: '2026-01-01', to: '2026-01-01', interval: 'day', zone: NY, now: FAR_FUTURE });
    expect(first).toMatchObject({ startIso: '2026-01-01T00:00:00.000-05:00', endIso: '2026-01-02T00:00:00.000-05:00' });
  });
});

describe('buckets: week', () => {
  it('uses ISO weeks from Monday 00:00 local, clipping the first and last to the window', () => {
    // 2026-03-04 is a Wednesday, 2026-03-19 a Thursday.
    const list = buckets({ from: '2026-03-04', to: '2026-03-19', interval: 'week', zone: NY, now: FAR_FUTURE });
    expect(list.map((b) => [b.startIso, b.endIso])).toEqual([
      ['2026-03-04T00:00:00.000-05:00', '2026-03-09T00:00:00.000-04:00'],
      ['2026-03-09T00:00:00.000-04:00', '2026-03-16T00:00:00.000-04:00'],
      ['2026-03-16T00:00:00.000-04:00', '2026-03-20T00:00:00.000-04:00'],
    ]);
    expect(lengthsInHours(list)).toEqual([5 * 24 - 1, 7 * 24, 4 * 24]);
  });

  it('is unclipped when the window is whole weeks', () => {
    const list = buckets({ from: '2026-03-02', to: '2026-03-15', interval: 'week', zone: 'UTC', now: FAR_FUTURE });
    expect(startIsos(list)).toEqual(['2026-03-02T00:00:00.000Z', '2026-03-09T00:00:00.000Z']);
    expect(list[1]!.endIso).toBe('2026-03-16T00:00:00.000Z');
  });
});

describe('buckets: month', () => {
  it('uses calendar months, clipping the first and last to the window', () => {
    const list = buckets({ from: '2026-01-15', to: '2026-03-10', interval: 'month', zone: NY, now: FAR_FUTURE });
    expect(list.map((b) => [b.startIso, b.endIso])).toEqual([
      ['2026-01-15T00:00:00.000-05:00', '2026-02-01T00:00:00.000-05:00'],
      ['2026-02-01T00:00:00.000-05:00', '2026-03-01T00:00:00.000-05:00'],
      ['2026-03-01T00:00:00.000-05:00', '2026-03-11T00:00:00.000-04:00'],
    ]);
    expectExactPartition(list, '2026-01-15', '2026-03-10', NY);
  });

  it('gives the SPEC §7 January and February buckets', () => {
    const list = buckets({ from: '2026-01-01', to: '2026-02-28', interval: 'month', zone: NY, now: FAR_FUTURE });
    expect(list.map((b) => [b.startIso, b.endIso])).toEqual([
      ['2026-01-01T00:00:00.000-05:00', '2026-02-01T00:00:00.000-05:00'],
      ['2026-02-01T00:00:00.000-05:00', '2026-03-01T00:00:00.000-05:00'],
    ]);
  });
});

describe('buckets and now', () => {
  const query = { from: '2026-03-01', to: '2026-03-31', interval: 'day', zone: NY } as const;

  it('omits buckets starting after now and keeps the one containing now', () => {
    const now = at('2026-03-10T15:00:00Z');
    const list = buckets({ ...query, now });
    expect(list).toHaveLength(10);
    const current = list.at(-1)!;
    expect(current.startIso).toBe('2026-03-10T00:00:00.000-04:00');
    expect(current.endIso).toBe('2026-03-11T00:00:00.000-04:00');
    expect(effectiveEnd(current, now)).toBe(now);
    expect(effectiveEnd(list[0]!, now)).toBe(list[0]!.end);
  });

  it('keeps a bucket starting exactly at now, omits one starting 1 ms later', () => {
    const midnight = at('2026-03-11T04:00:00Z');
    expect(buckets({ ...query, now: midnight }).at(-1)!.start).toBe(midnight);
    expect(buckets({ ...query, now: midnight - 1 }).at(-1)!.end).toBe(midnight);
  });

  it('is empty when the whole window is in the future', () => {
    expect(buckets({ ...query, now: at('2026-02-28T12:00:00Z') })).toEqual([]);
  });

  it('keeps the current month, clipped to the window', () => {
    const list = buckets({ from: '2026-01-15', to: '2026-12-31', interval: 'month', zone: NY, now: at('2026-03-02T12:00:00Z') });
    expect(startIsos(list)).toEqual(['2026-01-15T00:00:00.000-05:00', '2026-02-01T00:00:00.000-05:00', '2026-03-01T00:00:00.000-05:00']);
  });
});

describe('buckets: validation', () => {
  it.each([
    ['from', { from: '2026-02-30', to: '2026-03-01' }],
    ['to', { from: '2026-03-02', to: '2026-03-01' }],
  ])('names %s', (path, range) => {
    expect(thrownBy(() => buckets({ ...range, interval: 'day', zone: NY, now: FAR_FUTURE }))).toMatchObject({ errors: [{ path }] });
  });

  it('rejects an unknown interval', () => {
    const query = { from: '2026-01-01', to: '2026-01-02', interval: 'fortnight', zone: NY, now: FAR_FUTURE } as unknown as Parameters<
      typeof buckets
    >[0];
    expect(thrownBy(() => buckets(query))).toMatchObject({
      errors: [{ path: 'interval', message: expect.stringContaining('hour, day, week, month') }],
    });
  });
});
