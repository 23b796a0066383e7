import type { Recommendation } from '../../domain/src/capacity/what-if-recommendation.js';
import type { SeriesBody, SeriesBucket } from './series.js';
import type { IdleSeatRow, TableBody } from './tables.js';

export type { Recommendation };

/**
 * The bodies of the capacity answers (SPEC §8): series bodies of §6 with the metrics of §8 per bucket
 * and the figures about the whole window at the top level; idle seats a table body.
 */

/** A what-if bucket: the hypothesis's figures, named as §4.5 (§4.6 for TrueTest), and what happened (`actual`). */
export type WhatIfBucket = SeriesBucket & {
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

/** A reclaim back-test bucket (SPEC §8.2b): seats held under the policy and in reality, latest record. */
export type ReclaimBacktestMetrics = { readonly assigned: number; readonly assignedActual: number };

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

/** A denials bucket (SPEC §8.3). */
export type DenialsMetrics = { readonly attempts: number; readonly uniqueUsers: number; readonly trueDenials: number; readonly unmetUsers: number };

export interface DenialsBody extends SeriesBody {
  readonly report: 'denials';
  readonly retryWindow: number;
}

/** A forecast bucket (SPEC §8.4): past ones carry `value`, the next ones `projected`. */
export type ForecastMetrics = { readonly value?: number; readonly projected?: number };

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

export interface IdleSeatsBody extends TableBody<IdleSeatRow> {
  readonly report: 'idle-seats';
  /** The instant the seats are as of (asOf, or now) and its local date, from which idle days are counted. */
  readonly asOf: string;
  readonly today: string;
}
