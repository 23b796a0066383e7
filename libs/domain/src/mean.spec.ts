import { mean2, ratio2 } from './mean.js';

describe('mean2: averages as reports print them (2 decimals, half up)', () => {
  test('SPEC §7: two hourly peaks of 2 over a 24-hour day', () => {
    expect(mean2([2, 2, ...Array(22).fill(0)])).toBe(0.17);
  });
  test('halves round up', () => {
    expect(mean2([1, 0, 0, 0, 0, 0, 0, 0])).toBe(0.13); // 0.125
    expect(mean2([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])).toBe(
      0.03,
    ); // 0.025
    expect(mean2([1, 2])).toBe(1.5);
  });
  test('no values: 0', () => {
    expect(mean2([])).toBe(0);
  });
});

describe('ratio2: a ratio with 2 decimals, half up', () => {
  test('percentages and day counts as alerts print them', () => {
    expect(ratio2(800, 10)).toBe(80);
    expect(ratio2(200, 3)).toBe(66.67);
    expect(ratio2(1, 8)).toBe(0.13);
    expect(ratio2(129_600_000, 86_400_000)).toBe(1.5);
  });
});
