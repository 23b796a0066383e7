/**
 * The mean of counts with 2 decimals, rounded half up, as reports print averages (SPEC §4.3, §4.5):
 * in integer arithmetic, so 0.125 is 0.13 exactly. 0 for no values.
 */
export function mean2(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sum = values.reduce((a, b) => a + b, 0);
  return Math.floor((200 * sum + values.length) / (2 * values.length)) / 100;
}
