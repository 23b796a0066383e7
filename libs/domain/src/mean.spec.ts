import { mean2 } from './mean.js';

describe('mean2: averages as reports print them (2 decimals, half up)', () => {
  test('SPEC §7: two hourly peaks of 2 over a 24-hour day', () => {
    expect(mean2([2, 2, ...Array(22).fill(0)])).toBe(0.17);
  });
  test('halves round up', () => {
    expect(mean2([1, 0, 0, 0, 0, 0, 0, 0])).toBe(0.13); // 0.125
    expect(mean2([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])).toBe(0.03); // 0.025
    expect(mean2([1, 2])).toBe(1.5);
  });
  test('no values: 0', () => {
    expect(mean2([])).toBe(0);
  });
});
