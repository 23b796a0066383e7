import { ratio2 } from '../mean.js';

/**
 * SPEC §8.4 forecast: the least-squares line through the past buckets' values (x = 0 the oldest),
 * its slope per bucket and the values it projects for the next buckets. Computed on whole numbers
 * (values are counts) as exact fractions, so the 2-decimal figures round exactly and the comparison
 * with a quantity is made on the unrounded value.
 */
export interface Trend {
  /** slope = slopeNumerator / denominator; intercept = interceptNumerator / (n × denominator). */
  readonly n: number;
  readonly slopeNumerator: number;
  readonly interceptNumerator: number;
  readonly denominator: number;
}

/** The line through (0, values[0]), …, (n−1, values[n−1]); at least two values. */
export function leastSquares(values: readonly number[]): Trend {
  const n = values.length;
  if (n < 2) throw new RangeError('a least-squares line needs at least two values');
  let sumX = 0;
  let sumY = 0;
  let sumXX = 0;
  let sumXY = 0;
  values.forEach((y, x) => {
    sumX += x;
    sumY += y;
    sumXX += x * x;
    sumXY += x * y;
  });
  const denominator = n * sumXX - sumX * sumX;
  const slopeNumerator = n * sumXY - sumX * sumY;
  // intercept = (ΣY − slope ΣX) / n = (ΣY × den − slopeNum × ΣX) / (n × den)
  return { n, slopeNumerator, interceptNumerator: sumY * denominator - slopeNumerator * sumX, denominator };
}

/** The line's value at x as a fraction [numerator, denominator > 0]. */
export function trendAt(trend: Trend, x: number): [number, number] {
  return [trend.interceptNumerator + trend.slopeNumerator * x * trend.n, trend.n * trend.denominator];
}

export function slope2(trend: Trend): number {
  return ratio2(trend.slopeNumerator, trend.denominator);
}

export function trendAt2(trend: Trend, x: number): number {
  const [numerator, denominator] = trendAt(trend, x);
  return ratio2(numerator, denominator);
}

/**
 * The index (0-based, among `horizon` buckets after the `n` past ones) of the first projected bucket
 * whose unrounded value is at least `dedicated`; null if none is, or if the scope has no dedication
 * (dedicated ≤ 0).
 */
export function exhaustionIndex(trend: Trend, horizon: number, dedicated: number): number | null {
  if (dedicated <= 0) return null;
  for (let k = 0; k < horizon; k += 1) {
    const [numerator, denominator] = trendAt(trend, trend.n + k);
    if (numerator >= dedicated * denominator) return k;
  }
  return null;
}
