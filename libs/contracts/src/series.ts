import type { BucketInterval } from '../../domain/src/time/boundaries.js';

export type { BucketInterval };

/**
 * Bucket-series report bodies (SPEC §6): the same from HTTP, the CLI and the replayed (as-of) path.
 * The metric names of each report are those of SPEC §4, exactly; a bucket carries them beside its
 * `start` and `end` (ISO instants with the account zone's offset).
 */

/** `seat-history` (SPEC §4.1): the latest record of each bucket. */
export type SeatHistoryMetrics = { readonly purchased: number; readonly assigned: number; readonly activated: number };

/** `seat-usage` (SPEC §4.3). */
export type SeatUsageMetrics = {
  readonly activeUsers: number;
  readonly averageDailyActive: number;
  readonly peakDailyActive: number;
  readonly assigned: number;
};

/** `session-usage` (SPEC §4.5). */
export type SessionUsageMetrics = {
  readonly availableSessions: number;
  readonly peakUsage: number;
  readonly averagePeak: number;
  readonly denied: number;
};

/** `aut-usage` (SPEC §4.6). */
export type AutUsageMetrics = { readonly purchased: number; readonly peakActiveApplications: number; readonly averagePeak: number };

/** Every bucket-series report and the metrics of its buckets. */
export type SeriesReports = {
  readonly 'seat-history': SeatHistoryMetrics;
  readonly 'seat-usage': SeatUsageMetrics;
  readonly 'session-usage': SessionUsageMetrics;
  readonly 'aut-usage': AutUsageMetrics;
};
export type SeriesReportName = keyof SeriesReports;

/**
 * A bucket's figure: a number (or text), null when it has none (e.g. a forecast's past bucket has no
 * projection), or a group of figures (what-if's `actual`).
 */
export type BucketValue = number | string | null | { readonly [metric: string]: number };

/** A report's metrics by name, when the report is not known (`start`/`end` beside them are text). */
export type Metrics = Readonly<Record<string, BucketValue>>;

export type SeriesBucket<M extends object = Metrics> = { readonly start: string; readonly end: string } & M;

/** `groupBy=org`: one series per direct child organization of the scope. */
export interface SeriesGroup<M extends object = Metrics> {
  readonly orgId: string;
  readonly name: string;
  readonly buckets: readonly SeriesBucket<M>[];
}

export interface SeriesBody<M extends object = Metrics> {
  readonly report: string;
  readonly accountId: string;
  readonly product: string;
  /** The scope: null for the whole account. */
  readonly orgId: string | null;
  readonly interval: BucketInterval;
  readonly timezone: string;
  /** Local dates YYYY-MM-DD in `timezone`; `to` inclusive. */
  readonly from: string;
  readonly to: string;
  /** The last event folded in (`COMMIT/PREPARE`), null for an empty log. */
  readonly asOfPosition: string | null;
  readonly buckets?: readonly SeriesBucket<M>[];
  readonly series?: readonly SeriesGroup<M>[];
}

/** The body of bucket-series report `N`. */
export type SeriesBodyOf<N extends SeriesReportName> = SeriesBody<SeriesReports[N]>;

/** The metric names of report `N`. */
export type MetricOf<N extends SeriesReportName> = keyof SeriesReports[N] & string;
