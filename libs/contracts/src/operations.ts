/** Operations (SPEC §5, §6): projections' status and the health check. */

/** One live generation of a projection (or the projection, before any generation exists). */
export interface ProjectionStatus {
  readonly name: string;
  /** The projection's version in this installation. */
  readonly version: number;
  readonly generation: number | null;
  /** The version the generation is built by: older than `version` until a bump's rebuild switches. */
  readonly generationVersion: number | null;
  readonly status: 'active' | 'building' | 'not-started';
  /** The last event folded in (`commit/prepare`), null before the first batch. */
  readonly position: string | null;
  /** Events in the log after `position` (on EventStoreDB counted up to 10,000). */
  readonly lagEvents: number;
  /** Seconds since the oldest event not yet folded in was recorded; 0 when caught up. */
  readonly lagSeconds: number;
  readonly eventsFolded: number;
  /** Events of the log read into the generation (folded or not): a rebuild's progress. */
  readonly eventsSeen: number;
  /** The configured rules the generation was built with, those its projection depends on. */
  readonly rules: Readonly<Record<string, unknown>>;
  /** Why the last batch failed, until one succeeds. */
  readonly lastError: string | null;
  readonly updatedAt: string | null;
}

/** `GET /v1/projections`. */
export interface ProjectionsList {
  readonly projections: readonly ProjectionStatus[];
}

export type CheckResult = { readonly status: 'up'; readonly [detail: string]: unknown } | { readonly status: 'down'; readonly error: string };

/**
 * - `running-here`: this process folds it (`ledger serve`);
 * - `active-elsewhere`: it has an active generation this process does not fold;
 * - `building`: a generation is being rebuilt (shown besides the active one);
 * - `not-started`: no projector has built it yet (reports answer 503).
 */
export type ProjectionState = 'running-here' | 'active-elsewhere' | 'building' | 'not-started';

export interface ProjectionHealth {
  readonly name: string;
  readonly state: ProjectionState;
  readonly generation: number | null;
  readonly position: string | null;
  readonly lagEvents: number;
  readonly lagSeconds: number;
  readonly lastError: string | null;
}

/** `GET /health`. */
export interface Health {
  /** `ok` when the event store and the database answer; `unavailable` (HTTP 503) otherwise. */
  readonly status: 'ok' | 'unavailable';
  readonly eventStore: CheckResult;
  readonly database: CheckResult;
  /** Null when the projections' status could not be read (see `projectionsError`). */
  readonly projections: ProjectionHealth[] | null;
  readonly projectionsError?: string;
}
