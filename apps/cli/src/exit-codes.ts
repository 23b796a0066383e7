/** Exit codes of `ledger` (SPEC §6). */
export const EXIT = {
  OK: 0,
  /** An unexpected failure (I/O, store unavailable…). */
  FAILURE: 1,
  /** Bad usage, or an import file with malformed lines (nothing was applied). */
  INVALID_INPUT: 2,
  /** An import applied, but the ledger rejected some of its commands. */
  REJECTED: 3,
} as const;
