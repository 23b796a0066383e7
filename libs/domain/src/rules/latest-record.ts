/**
 * "The state at the end of a bucket" — its latest record (SPEC §2): the state after every event with
 * `at` < the bucket's end, or ≤ now for the bucket containing now. Instants are integer epoch
 * milliseconds, so that is the state after every event with `at` ≤ `latestRecordInstant(bucket, now)`:
 * the bucket's last millisecond, or now. A purchase expiring exactly at the bucket's end still counts
 * for that bucket; one starting exactly at it does not.
 *
 * Replays fold the events up to that instant; step functions summed over change points (reports in
 * SQL) take the changes strictly before `latestRecordBound` (= the instant + 1 ms).
 */
export function latestRecordInstant(bucket: { readonly end: number }, now: number): number {
  return Math.min(bucket.end - 1, now);
}

/** The same cut as an exclusive bound: every change with `ts < latestRecordBound(bucket, now)`. */
export function latestRecordBound(bucket: { readonly end: number }, now: number): number {
  return latestRecordInstant(bucket, now) + 1;
}
