/**
 * Explain on the capacity answers (SPEC §8 "explain on every figure", §5): one bucket figure and the
 * items it is made of, taken from the same computation that made the report — never a second copy of
 * a rule. Items name the events behind them by their revision in the account's stream (`*_seq` of the
 * capacity projection); `cite` turns a revision into the event's log position once it has been read.
 */

/** The log position (`COMMIT/PREPARE`) of the account's event at that stream revision; null for none. */
export type Cite = (revision: number | null) => string | null;

export interface Figure {
  /** The figure, from the listed items (their count, sum or peak). */
  readonly value: number;
  /** What the figure is made of, naming events through `cite`; pure, so it may run twice (to gather the revisions, then to cite them). */
  readonly details: (cite: Cite) => Record<string, unknown>;
}

export const iso = (instant: number): string => new Date(instant).toISOString();

/** An end as the bodies print it: null while still open. */
export const isoOrOpen = (instant: number): string | null => (Number.isFinite(instant) ? iso(instant) : null);
