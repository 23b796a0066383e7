import { isValidZone, localDate, zonedIso } from './zone.js';

const at = (iso: string): number => Date.parse(iso);

describe('isValidZone', () => {
  it.each(['UTC', 'America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe'])('accepts %s', (zone) => {
    expect(isValidZone(zone)).toBe(true);
  });

  it.each(['', 'Mars/Olympus_Mons', 'EST5EDT+', 'not a zone'])('rejects %j', (zone) => {
    expect(isValidZone(zone)).toBe(false);
  });
});

describe('localDate', () => {
  it('is the local calendar date, not the UTC one (SPEC §7 rows 7 and 8)', () => {
    expect(localDate(at('2026-01-07T04:30:00Z'), 'America/New_York')).toBe('2026-01-06');
    expect(localDate(at('2026-01-07T05:30:00Z'), 'America/New_York')).toBe('2026-01-07');
  });

  it('switches at 18:30Z in Asia/Kolkata (+05:30)', () => {
    expect(localDate(at('2026-01-01T18:29:59.999Z'), 'Asia/Kolkata')).toBe('2026-01-01');
    expect(localDate(at('2026-01-01T18:30:00Z'), 'Asia/Kolkata')).toBe('2026-01-02');
  });
});

describe('zonedIso', () => {
  it('writes the instant with the zone offset in effect at that instant', () => {
    expect(zonedIso(at('2026-01-01T05:00:00Z'), 'America/New_York')).toBe('2026-01-01T00:00:00.000-05:00');
    expect(zonedIso(at('2026-07-01T04:00:00Z'), 'America/New_York')).toBe('2026-07-01T00:00:00.000-04:00');
    expect(zonedIso(at('2026-01-01T00:00:00Z'), 'UTC')).toBe('2026-01-01T00:00:00.000Z');
  });
});
