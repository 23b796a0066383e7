/**
 * SPEC §8.1: how long a denied attempt would have held its unit. With no `deniedDuration` given, the
 * median duration of all the product's accepted sessions (activations) starting in the window,
 * whatever their organization — for an even count the mean of the two middle ones —, in whole seconds
 * rounded down; 0 when there are none.
 */
export function medianDurationSeconds(durationsMs: readonly number[]): number {
  if (durationsMs.length === 0) return 0;
  const sorted = [...durationsMs].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  const medianMs = sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  return Math.floor(medianMs / 1000);
}

/** The seconds a denied attempt demands: `deniedDuration` when given, else the median of the accepted durations. */
export function deniedDemandSeconds(deniedDuration: number | undefined, acceptedDurationsMs: readonly number[]): number {
  return deniedDuration ?? medianDurationSeconds(acceptedDurationsMs);
}
