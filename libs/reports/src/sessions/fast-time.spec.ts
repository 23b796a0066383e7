import { buckets, hoursIn, localDaysIn, reportWindow, type BucketInterval } from '../../../domain/src/time/index.js';
import { fastBuckets, fastDaysIn, fastHoursIn } from './fast-time.js';

const ZONES = [
  'UTC',
  'Etc/UTC',
  'Europe/London',
  'America/New_York',
  'America/Santiago',
  'America/St_Johns',
  'Asia/Kolkata',
  'Asia/Kathmandu',
  'Australia/Lord_Howe',
  'Australia/Sydney',
  'Pacific/Chatham',
  'Africa/Casablanca',
  'Europe/Berlin',
  'Pacific/Apia',
];
const RANGES: [string, string][] = [
  // Spring changes (northern) and autumn ones (southern), Casablanca's Ramadan, then the other halves.
  ['2026-02-10', '2026-04-10'],
  ['2026-09-01', '2026-10-10'],
  ['2026-10-20', '2026-11-10'],
  // Hour-interval windows (at most 31 days) over the same changes.
  ['2026-03-06', '2026-04-05'],
  ['2026-09-05', '2026-10-05'],
];

describe('fast buckets equal the domain buckets', () => {
  it.each(ZONES)('%s: buckets, hours of each day, days of each week and month', (zone) => {
    for (const [from, to] of RANGES) {
      const window = reportWindow(from, to, zone);
      const nows = [Number.POSITIVE_INFINITY, window.start + Math.floor((window.end - window.start) * 0.37) + 12_345];
      for (const now of nows) {
        for (const interval of ['hour', 'day', 'week', 'month'] as BucketInterval[]) {
          if (interval === 'hour' && window.days > 31) continue;
          if (interval === 'day' && now !== Number.POSITIVE_INFINITY) continue;
          const query = { from, to, interval, zone, now };
          const fast = fastBuckets(query);
          expect({ zone, from, to, interval, now, list: fast.buckets }).toEqual({ zone, from, to, interval, now, list: buckets(query) });
          for (const bucket of fast.buckets) {
            if (interval === 'day') {
              expect(fastHoursIn(bucket, fast.timeline, now)).toEqual(hoursIn(bucket, zone, now).map(({ start, end }) => ({ start, end })));
            }
            if (interval === 'week' || interval === 'month') {
              expect(fastDaysIn(bucket, fast.timeline, window, now)).toEqual(
                localDaysIn(bucket, zone, window, now).map(({ start, end }) => ({ start, end })),
              );
            }
          }
        }
      }
    }
  });

  it('still rejects a 32-day hour range', () => {
    expect(() => fastBuckets({ from: '2026-01-01', to: '2026-02-01', interval: 'hour', zone: 'UTC', now: Number.POSITIVE_INFINITY })).toThrow(
      /at most 31 days/,
    );
  });
});
