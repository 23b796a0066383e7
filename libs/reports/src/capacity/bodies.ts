import { validationError } from '../../../domain/src/index.js';
import type { Recommendation } from '../../../domain/src/index.js';
import type { Bucket, ReportRequest, SeriesBody, TableBody } from '../report-definition.js';

/**
 * The bodies of the capacity answers (SPEC §8): series bodies of §6 with the metrics of §8 per bucket
 * and the figures about the whole window at the top level; idle seats a table body.
 */

/** A what-if bucket: the hypothesis's figures, named as §4.5 (§4.6 for TrueTest), and what happened (`actual`). */
export type WhatIfBucket = Bucket & {
  readonly averagePeak: number;
  readonly denied: number;
  readonly unmetSeconds: number;
  readonly actual: { readonly [metric: string]: number };
};

export interface WhatIfBody extends SeriesBody {
  readonly report: 'what-if';
  /** The named values (null: the real ones). */
  readonly hypothesis: { readonly quantity: number | null; readonly dedications: Readonly<Record<string, number>> | null };
  /** Seconds each denied attempt demanded: `deniedDuration`, or the median accepted duration. */
  readonly deniedDuration: number;
  /** Demand of the scope in the window (accepted and denied), and how much of it the hypothesis refuses. */
  readonly demand: number;
  readonly refused: number;
  readonly recommendation: Recommendation;
  readonly buckets: readonly WhatIfBucket[];
}

export interface ReclaimBacktestBody extends SeriesBody {
  readonly report: 'reclaim-backtest';
  readonly idleDays: number;
  readonly reclaimed: number;
  readonly returnedWithin7Days: number;
  readonly returnedWithin30Days: number;
  readonly neverReturned: number;
  readonly peakAssigned: number;
  readonly peakAssignedActual: number;
}

export interface DenialsBody extends SeriesBody {
  readonly report: 'denials';
  readonly retryWindow: number;
}

export interface ForecastBody extends SeriesBody {
  readonly report: 'forecast';
  readonly metric: string;
  readonly history: number;
  readonly horizon: number;
  /** Per bucket, 2 decimals. */
  readonly slope: number;
  /** The scope's dedicated quantity at the end of the last past bucket. */
  readonly dedicated: number;
  /** Start of the first projected bucket whose unrounded value reaches `dedicated`; null if none (or no dedication). */
  readonly exhaustedAt: string | null;
}

export interface IdleSeatsBody extends TableBody {
  readonly report: 'idle-seats';
  /** The instant the seats are as of (asOf, or now) and its local date, from which idle days are counted. */
  readonly asOf: string;
  readonly today: string;
}

/** §8 answers are one series for the scope: groupBy=org is refused. */
export function refuseGroupBy(request: ReportRequest, report: string): void {
  if (request.groupBy !== undefined) throw validationError('groupBy', `${report} answers one series for the scope (use orgId)`);
}

/** Milliseconds of [start, end) inside a bucket, both cut at now. */
export function overlapMs(span: { readonly start: number; readonly end: number }, bucket: { readonly start: number; readonly end: number }, now: number): number {
  const from = Math.max(span.start, bucket.start);
  const to = Math.min(span.end, bucket.end, now);
  return to > from ? to - from : 0;
}
