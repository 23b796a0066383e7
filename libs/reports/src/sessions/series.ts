import { validationError } from '../../../domain/src/errors.js';
import type { Product } from '../../../domain/src/products.js';
import { BUCKET_INTERVALS, type Bucket, type BucketInterval, type ReportWindow } from '../../../domain/src/time/index.js';
import type { Interval } from '../../../domain/src/rules/peak-sweep.js';
import type { ReportRequest } from '../report-definition.js';
import { mean2 } from '../../../domain/src/mean.js';
import { peaksPerSubBucket, type ConcurrencySource } from './concurrency.js';
import { fastBuckets, fastDaysIn, fastHoursIn } from './fast-time.js';

/** What a bucket-series report needs from its request, checked. */
export interface SeriesQuery {
  readonly accountId: string;
  readonly product: Product;
  readonly from: string;
  readonly to: string;
  readonly interval: BucketInterval;
}

export function seriesQuery(request: ReportRequest, products: readonly Product[], report: string): SeriesQuery {
  const { product, from, to } = request;
  if (request.asOf !== undefined) throw validationError('asOf', `${report} does not support asOf; it is read from the projected tables`);
  if (!product) throw validationError('product', `is required; ${report} covers ${products.join(', ')}`);
  if (!products.includes(product)) throw validationError('product', `${report} covers ${products.join(', ')}, not ${product}`);
  if (!from) throw validationError('from', 'is required (a local date, YYYY-MM-DD)');
  if (!to) throw validationError('to', 'is required (a local date, YYYY-MM-DD)');
  const interval = request.interval ?? 'day';
  if (!(BUCKET_INTERVALS as readonly string[]).includes(interval)) {
    throw validationError('interval', `must be one of ${BUCKET_INTERVALS.join(', ')}, got '${interval}'`);
  }
  return { accountId: request.accountId, product, from, to, interval };
}

/**
 * The buckets of a series and, for each, the sub-buckets its peak is the max of and its
 * `averagePeak` the mean of (SPEC §4.5): an hour bucket is its own sub-bucket, a day has its
 * 23/24/25 hours, a week or month its local days inside the window. Sub-buckets starting after now
 * are left out; their ends are clipped to now.
 */
export interface SeriesPlan {
  readonly window: ReportWindow;
  readonly buckets: readonly Bucket[];
  /** All sub-buckets, contiguous and ascending. */
  readonly subBuckets: readonly Interval[];
  /** For bucket i, the indexes of its sub-buckets. */
  readonly subsOf: readonly (readonly number[])[];
}

export function planSeries(query: SeriesQuery, zone: string, now: number): SeriesPlan {
  const { buckets: list, timeline, window } = fastBuckets({ from: query.from, to: query.to, interval: query.interval, zone, now });
  const subBuckets: Interval[] = [];
  const subsOf: number[][] = [];
  for (const bucket of list) {
    const spans: Interval[] =
      query.interval === 'hour'
        ? [bucket]
        : query.interval === 'day'
          ? fastHoursIn(bucket, timeline, now)
          : fastDaysIn(bucket, timeline, window, now);
    const indexes: number[] = [];
    for (const span of spans) {
      indexes.push(subBuckets.length);
      subBuckets.push({ start: span.start, end: Math.max(span.start, Math.min(span.end, now)) });
    }
    subsOf.push(indexes);
  }
  return { window, buckets: list, subBuckets, subsOf };
}

/** Per bucket: the peak (max of its sub-bucket peaks) and averagePeak (their mean; = peak for hours). */
export async function peakSeries(plan: SeriesPlan, interval: BucketInterval, source: ConcurrencySource | null): Promise<BucketPeak[]> {
  return bucketPeaks(plan, interval, source ? await peaksPerSubBucket(plan.subBuckets, source) : null);
}

export interface BucketPeak {
  readonly peak: number;
  readonly averagePeak: number;
}

/** Per bucket, from the peak of each sub-bucket (null: none in scope, all 0). */
export function bucketPeaks(plan: SeriesPlan, interval: BucketInterval, subBucketPeaks: readonly number[] | null): BucketPeak[] {
  const peaks = subBucketPeaks ?? plan.subBuckets.map(() => 0);
  return plan.subsOf.map((indexes) => {
    const values = indexes.map((i) => peaks[i]!);
    const peak = values.reduce((a, b) => Math.max(a, b), 0);
    return { peak, averagePeak: interval === 'hour' ? peak : mean2(values) };
  });
}
