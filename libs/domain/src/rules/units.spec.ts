import { offlineLicenseHoldsUnit, sessionDrawsUnit } from './units.js';

describe('which holdings draw a unit (SPEC §1)', () => {
  it('an online session of a session product draws a unit', () => {
    expect(['KRE', 'TC_DESKTOP', 'TC_DESKTOP_MOBILE', 'TC_MOBILE_NATIVE'].map((p) => sessionDrawsUnit(p as 'KRE', 'online'))).toEqual([
      true,
      true,
      true,
      true,
    ]);
  });

  it('a KSE session draws nothing (the seat is the unit), nor does an offline session (its license is)', () => {
    expect(sessionDrawsUnit('KSE', 'online')).toBe(false);
    expect(sessionDrawsUnit('KRE', 'offline')).toBe(false);
  });

  it('an offline license holds its unit until it expires (half-open)', () => {
    expect(offlineLicenseHoldsUnit(1_000, 999)).toBe(true);
    expect(offlineLicenseHoldsUnit(1_000, 1_000)).toBe(false);
  });
});
