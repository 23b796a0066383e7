import { buckets } from './buckets.js';
import { reportWindow } from './report-window.js';
import { hoursIn, localDaysIn } from './sub-buckets.js';

const at = (iso: string): number => Date.parse(iso);
const HOUR = 3_600_000;
const FAR_FUTURE = at('2100-01-01T00:00:00Z');
const NY = 'America/New_York';

describe('localDaysIn', () => {
  it('lists the local days of a clipped week bucket inside the window, DST day included', () => {
    const window = reportWindow('2026-03-04', '2026-03-19', NY);
    const [firstWeek] = buckets({ from: '2026-03-04', to: '2026-03-19', interval: 'week', zone: NY, now: FAR_FUTURE });
    const days = localDaysIn(firstWeek!, NY, window, FAR_FUTURE);
    expect(days.map((d) => d.date)).toEqual(['2026-03-04', '2026-03-05', '2026-03-06', '2026-03-07', '2026-03-08']);
    expect(days.map((d) => (d.end - d.start) / HOUR)).toEqual([24, 24, 24, 24, 23]);
    expect(days[4]).toMatchObject({ startIso: '2026-03-08T00:00:00.000-05:00', endIso: '2026-03-09T00:00:00.000-04:00' });
  });

  it('stops at now, keeping the day containing it', () => {
    const window = reportWindow('2026-03-01', '2026-03-31', NY);
    const [march] = buckets({ from: '2026-03-01', to: '2026-03-31', interval: 'month', zone: NY, now: FAR_FUTURE });
    const days = localDaysIn(march!, NY, window, at('2026-03-10T03:59:59Z'));
    expect(days).toHaveLength(9);
    expect(days.at(-1)!.date).toBe('2026-03-09');
  });

  it('clips an unclipped bucket to the window', () => {
    const window = reportWindow('2026-02-10', '2026-02-12', 'UTC');
    const february = { start: at('2026-02-01T00:00:00Z'), end: at('2026-03-01T00:00:00Z'), startIso: '', endIso: '' };
    expect(localDaysIn(february, 'UTC', window, FAR_FUTURE).map((d) => d.date)).toEqual(['2026-02-10', '2026-02-11', '2026-02-12']);
  });

  it('uses Asia/Kolkata local dates', () => {
    const window = reportWindow('2026-01-01', '2026-01-02', 'Asia/Kolkata');
    const days = localDaysIn(window, 'Asia/Kolkata', window, FAR_FUTURE);
    expect(days.map((d) => [d.date, d.start])).toEqual([
      ['2026-01-01', at('2025-12-31T18:30:00Z')],
      ['2026-01-02', at('2026-01-01T18:30:00Z')],
    ]);
  });
});

describe('hoursIn', () => {
  const dayBucket = (date: string, zone: string) => buckets({ from: date, to: date, interval: 'day', zone, now: FAR_FUTURE })[0]!;

  it.each([
    ['2026-03-08', 23],
    ['2026-03-09', 24],
    ['2026-11-01', 25],
  ])('splits %s in America/New_York into %i hours', (date, count) => {
    const day = dayBucket(date, NY);
    const hours = hoursIn(day, NY);
    expect(hours).toHaveLength(count);
    expect(hours[0]!.start).toBe(day.start);
    expect(hours.at(-1)!.end).toBe(day.end);
  });

  it('gives the 24 hours over which the SPEC §7 day averagePeak is taken', () => {
    const hours = hoursIn(dayBucket('2026-03-02', NY), NY);
    expect(hours).toHaveLength(24);
    expect(hours[10]).toMatchObject({ startIso: '2026-03-02T10:00:00.000-05:00', endIso: '2026-03-02T11:00:00.000-05:00' });
  });

  it('omits hours starting after now when given', () => {
    expect(hoursIn(dayBucket('2026-03-02', NY), NY, at('2026-03-02T15:30:00Z'))).toHaveLength(11);
  });
});
