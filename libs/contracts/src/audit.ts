import type { LicensesMetric } from './licenses.js';

/** A stored event as auditors see it (events log, explain): JSON-safe, positions as `COMMIT/PREPARE`. */
export interface EventView {
  readonly position: string;
  readonly streamId: string;
  readonly streamRevision: string;
  readonly type: string;
  readonly eventId: string;
  readonly data: Record<string, unknown>;
  readonly metadata: {
    readonly commandId: string | null;
    readonly correlationId: string;
    readonly causationId: string | null;
    readonly actor: string;
    readonly occurredAt: string;
    readonly recordedAt: string;
    readonly schemaVersion: number;
  };
}

/** One page of an account's raw log (SPEC §5 "Events"). */
export interface EventsLogPage {
  readonly accountId: string;
  /** The head of the log this answer covers: `until=` this regenerates it exactly. Null: the log is empty. */
  readonly untilPosition: string | null;
  readonly events: EventView[];
  /** `after=` this gives the next page; null on the last one. */
  readonly nextAfter: string | null;
}

/** The first line of an NDJSON export: what it covers, so that it can be regenerated. */
export interface EventsExportStamp {
  readonly accountId: string;
  readonly untilPosition: string | null;
}

/**
 * `reports/{name}/explain` (SPEC §5): one number of a bucket series, recomputed from the events, with
 * the details of how it is made (per metric: the seats, purchases, sessions open at the peak and its
 * instant, denials, active users per day…, each naming events by position) and those events.
 */
export interface SeriesExplanation {
  readonly report: string;
  readonly accountId: string;
  readonly product: string;
  readonly orgId: string | null;
  readonly interval: string;
  readonly timezone: string;
  readonly bucket: { readonly start: string; readonly end: string };
  readonly metric: string;
  readonly value: number;
  readonly asOfPosition: string | null;
  /** Present only when the replayed value differs from the projected report's. */
  readonly warning?: string;
  readonly events: readonly EventView[];
  readonly [detail: string]: unknown;
}

/** `licenses/explain`: one figure of a scope of the license overview. */
export interface LicensesExplanation {
  readonly report: 'licenses';
  readonly accountId: string;
  readonly product: string;
  readonly scope: string;
  readonly metric: LicensesMetric;
  /** The instant the figures are taken at (ISO, UTC). */
  readonly asOf: string;
  readonly value: number;
  readonly asOfPosition: string | null;
  readonly warning?: string;
  readonly events: readonly EventView[];
  readonly [detail: string]: unknown;
}
