import type { FieldError } from '../../domain/src/errors.js';

/** What the command routes answer (SPEC §6). */

export interface RecordedEvent {
  readonly type: string;
  readonly streamRevision: string;
  readonly data: Record<string, unknown>;
  readonly occurredAt: string;
}

/** What an accepted command did. A repeated `commandId` returns the first outcome, `duplicate: true`. */
export interface CommandOutcome {
  readonly type: string;
  readonly accountId: string;
  readonly commandId: string | null;
  readonly duplicate: boolean;
  readonly events: readonly RecordedEvent[];
  /** Global log position of the last event appended (null when nothing was appended). */
  readonly position: string | null;
}

export type { FieldError };

/** An error answer (RFC 9457, `application/problem+json`) with the ledger's error `code` (SPEC §6). */
export interface ProblemDetails {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  /** What a person reads: the rule's own words (e.g. "The number of the licenses cannot exceed the license quota"). */
  readonly detail: string;
  readonly code: string;
  readonly errors?: readonly FieldError[];
}
