import type { Product } from '../../domain/src/products.js';
import type { BucketInterval } from '../../domain/src/time/index.js';

/**
 * The contract the projected reports (libs/reports) and their replayed twins (libs/audit) share:
 * what a report request is, how it is validated, and the pure parts of a report body. Neither side
 * imports the other; what joins them (asOf answered by replay, explain, verify) sits above both.
 */

/** A report request after validation (SPEC §4, §6): the same from HTTP query strings and CLI flags. */
export interface ReportRequest {
  readonly accountId: string;
  readonly product?: Product;
  readonly orgId?: string;
  /** Local calendar dates YYYY-MM-DD in the account's zone; `to` inclusive. */
  readonly from?: string;
  readonly to?: string;
  readonly interval?: BucketInterval;
  readonly groupBy?: 'org';
  readonly q?: string;
  readonly licenseSource?: string;
  readonly status?: string;
  /** Column name, `-column` for descending. */
  readonly sort?: string;
  readonly page: number;
  readonly pageSize: number;
  /** ISO instant: answer as the ledger stood then (SPEC §5). */
  readonly asOf?: string;
  /** Tables: every row (CSV exports all pages). */
  readonly allRows?: boolean;
  // Capacity planning (SPEC §8).
  /** what-if: the account's purchased quantity under the hypothesis. */
  readonly quantity?: number;
  /** what-if: orgId → dedicated quantity (absolute) under the hypothesis, in the order given. */
  readonly dedications?: ReadonlyMap<string, number>;
  /** what-if: seconds a denied attempt demands (default: the median accepted duration). */
  readonly deniedDuration?: number;
  /** reclaim-backtest: days without activity after which a seat is reclaimed. */
  readonly idleDays?: number;
  /** idle-seats: only rows idle at least this many days. */
  readonly minIdleDays?: number;
  /** denials: seconds after a counted denial within which a retry is folded into it (default 600). */
  readonly retryWindow?: number;
  /** forecast: the metric projected. */
  readonly metric?: string;
  /** forecast: past buckets (default 12) and projected ones (default 6). */
  readonly history?: number;
  readonly horizon?: number;
}

/** What a report is, apart from how it is computed: what the request parser and the checks of verify need. */
export interface ReportSpec {
  /** URL and CLI name, e.g. 'seat-history'. */
  readonly name: string;
  readonly shape: 'series' | 'table';
  /** Answered by replaying the account's history (what-if, back-tests): admitted like as-of and explain (SPEC §6, BUSY). */
  readonly replaysHistory?: boolean;
  /** Products the report applies to (VALIDATION_FAILED for others). */
  readonly products: readonly Product[];
  /** CSV columns for table reports, in order; for series, the metric names of a bucket, in order. */
  readonly columns?: readonly string[];
  /**
   * Parameters the report takes besides accountId and product (see parseReportRequest); default by
   * shape. Others are refused as VALIDATION_FAILED.
   */
  readonly parameters?: readonly string[];
  /** Series: the interval when none is given (default `day`); the parser checks `interval` against `intervals`. */
  readonly defaultInterval?: BucketInterval;
  /** Series: the intervals it takes (default all). */
  readonly intervals?: readonly BucketInterval[];
  /** Whether the report answers `asOf` itself, from its projection (otherwise a replayed version does). */
  readonly answersAsOf?: boolean;
}
