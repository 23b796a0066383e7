/** A projection name that is not registered (e.g. a typo in `ledger projections rebuild NAME`). */
export class UnknownProjectionError extends Error {
  constructor(readonly projection: string, known: readonly string[]) {
    super(known.length === 0
      ? `unknown projection "${projection}": no projections are registered`
      : `unknown projection "${projection}"; the projections are: ${known.join(', ')}`);
    this.name = 'UnknownProjectionError';
  }
}

/** A projection that no projector has started yet, so there is nothing to read. */
export class ProjectionNotReadyError extends Error {
  constructor(readonly projection: string, why = 'has no active generation yet: a projector builds it (ledger serve, or ledger projections run)') {
    super(`projection "${projection}" ${why}`);
    this.name = 'ProjectionNotReadyError';
  }
}

export interface ProjectionBehind {
  readonly name: string;
  /** Its active generation's checkpoint; null before the first batch or without a generation. */
  readonly position: string | null;
  readonly lastError: string | null;
}

/** `waitForPosition` ran out of time; names each projection still behind and why, if it knows. */
export class ProjectionsBehindError extends Error {
  constructor(position: string, timeoutMs: number, readonly behind: readonly ProjectionBehind[]) {
    const details = behind.map((p) => `${p.name} at ${p.position ?? 'the start'}${p.lastError ? ` (last error: ${p.lastError})` : ''}`);
    super(`projections did not reach position ${position} within ${timeoutMs} ms: ${details.join('; ')}`);
    this.name = 'ProjectionsBehindError';
  }
}

/** A generation built by a newer version of the projection than this installation has. */
export class NewerGenerationError extends Error {
  constructor(projection: string, generation: number, generationVersion: number, ownVersion: number) {
    super(`projection "${projection}" generation ${generation} was built by version ${generationVersion}, `
      + `newer than this installation's version ${ownVersion}: rebuild it from an up-to-date installation`);
    this.name = 'NewerGenerationError';
  }
}
