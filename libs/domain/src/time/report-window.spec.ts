import { reportWindow } from './report-window.js';

const at = (iso: string): number => Date.parse(iso);
const HOUR = 3_600_000;

function thrownBy(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error, nothing was thrown');
}

describe('reportWindow', () => {
  it('is [from 00:00, to+1 00:00) local, in epoch ms and ISO with offset', () => {
    const window = reportWindow('2026-01-01', '2026-01-31', 'America/New_York');
    expect(window).toEqual({
      from: '2026-01-01',
      to: '2026-01-31',
      zone: 'America/New_York',
      days: 31,
      start: at('2026-01-01T05:00:00Z'),
      end: at('2026-02-01T05:00:00Z'),
      startIso: '2026-01-01T00:00:00.000-05:00',
      endIso: '2026-02-01T00:00:00.000-05:00',
    });
  });

  it('a single day is one local day, whose length follows DST', () => {
    const springForward = reportWindow('2026-03-08', '2026-03-08', 'America/New_York');
    expect(springForward.endIso).toBe('2026-03-09T00:00:00.000-04:00');
    expect(springForward.end - springForward.start).toBe(23 * HOUR);
    expect(springForward.days).toBe(1);
  });

  it('starts a local day at 18:30Z the day before in Asia/Kolkata', () => {
    const window = reportWindow('2026-01-01', '2026-01-01', 'Asia/Kolkata');
    expect(window.start).toBe(at('2025-12-31T18:30:00Z'));
    expect(window.end).toBe(at('2026-01-01T18:30:00Z'));
    expect(window.startIso).toBe('2026-01-01T00:00:00.000+05:30');
  });

  it('starts a day whose midnight DST skips at its first instant, 01:00 (America/Santiago)', () => {
    const window = reportWindow('2026-09-06', '2026-09-06', 'America/Santiago');
    expect(window.startIso).toBe('2026-09-06T01:00:00.000-03:00');
    expect(window.end - window.start).toBe(23 * HOUR);
  });

  it('counts days across a leap day and a DST change', () => {
    expect(reportWindow('2028-02-01', '2028-03-31', 'America/New_York').days).toBe(29 + 31);
  });

  it.each([
    ['from', '2026-02-30', '2026-03-01', 'must be a real calendar date'],
    ['to', '2026-02-01', '2026-02-29', 'must be a real calendar date'],
    ['to', '2026-01-01', '2026-13-01', 'must be a real calendar date'],
    ['from', '2026-1-01', '2026-02-01', 'YYYY-MM-DD'],
    ['to', '2026-01-01', '2026-01-01T00:00:00Z', 'YYYY-MM-DD'],
    ['to', '2026-03-02', '2026-03-01', 'must be on or after from (2026-03-02)'],
  ])('rejects %s in %s..%s (%s)', (field, from, to, rule) => {
    expect(thrownBy(() => reportWindow(from, to, 'America/New_York'))).toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [{ path: field, message: expect.stringContaining(rule) }],
    });
  });

  it('rejects an unknown zone naming the timezone', () => {
    expect(thrownBy(() => reportWindow('2026-01-01', '2026-01-02', 'Mars/Base'))).toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [{ path: 'timezone' }],
    });
  });
});
