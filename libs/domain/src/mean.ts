/**
 * The mean of counts with 2 decimals, rounded half up, as reports print averages (SPEC §4.3, §4.5):
 * in integer arithmetic, so 0.125 is 0.13 exactly. 0 for no values.
 */
export function mean2(values: readonly number[]): number {
  if (values.length === 0) return 0;
  return ratio2(
    values.reduce((a, b) => a + b, 0),
    values.length,
  );
}

/**
 * numerator / denominator (whole numbers, denominator > 0) with 2 decimals, rounded half up, in
 * integer arithmetic: the one rounding of every 2-decimal figure.
 */
export function ratio2(numerator: number, denominator: number): number {
  return Math.floor((200 * numerator + denominator) / (2 * denominator)) / 100;
}
