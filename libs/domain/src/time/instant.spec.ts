import { parseInstant, utcInstant } from './instant.js';

describe('instants (commands, report and log parameters share this rule)', () => {
  it.each([
    ['2026-01-05T14:00:00Z', '2026-01-05T14:00:00.000Z'],
    ['2026-01-05T09:00-05:00', '2026-01-05T14:00:00.000Z'],
    ['2026-01-05T19:30:00+0530', '2026-01-05T14:00:00.000Z'],
    ['2026-01-05T15:00:00.250+01', '2026-01-05T14:00:00.250Z'],
  ])('takes %s as %s', (text, utc) => {
    expect(utcInstant(text)).toBe(utc);
    expect(parseInstant(text)).toBe(Date.parse(utc));
  });

  it.each(['2026-01-05', '2026-01-05T14:00:00', '2026-02-30T00:00:00Z', '+275760-09-13T00:00:00Z', 'yesterday', 1767621600000, null])(
    'refuses %j',
    (value) => {
      expect(parseInstant(value)).toBeNull();
      expect(utcInstant(value)).toBeNull();
    },
  );
});
