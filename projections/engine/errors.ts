/** A projection name that is not registered (e.g. a typo in `ledger projections rebuild NAME`). */
export class UnknownProjectionError extends Error {
  constructor(
    readonly projection: string,
    known: readonly string[],
  ) {
    super(
      known.length === 0
        ? `unknown projection "${projection}": no projections are registered`
        : `unknown projection "${projection}"; the projections are: ${known.join(', ')}`,
    );
    this.name = 'UnknownProjectionError';
  }
}

/** A projection that no projector has started yet, so there is nothing to read. */
export class ProjectionNotReadyError extends Error {
  constructor(
    readonly projection: string,
    why = 'has no active generation yet: a projector builds it (ledger serve, or ledger projections run)',
  ) {
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
  constructor(
    position: string,
    timeoutMs: number,
    readonly behind: readonly ProjectionBehind[],
  ) {
    const details = behind.map((p) => `${p.name} at ${p.position ?? 'the start'}${p.lastError ? ` (last error: ${p.lastError})` : ''}`);
    super(`projections did not reach position ${position} within ${timeoutMs} ms: ${details.join('; ')}`);
    this.name = 'ProjectionsBehindError';
  }
}

/**
 * A checkpoint past the newest event of the log: the log was recreated or restored from an older
 * backup. Following it would skip every new event until the log passes the old position.
 */
export class CheckpointAheadOfLogError extends Error {
  constructor(projection: string, generation: number, checkpoint: string, head: string | null) {
    super(
      `projection "${projection}" generation ${generation} has folded the log up to ${checkpoint}, but the log ends at ` +
        `${head ?? 'its start (it is empty)'}: the event store was recreated or restored from an older backup. ` +
        `Nothing is folded until it is rebuilt: ledger projections rebuild ${projection}`,
    );
    this.name = 'CheckpointAheadOfLogError';
  }
}

/** A checkpoint taken from another log than the one this process reads (another store, or a recreated one). */
export class CheckpointOfAnotherStoreError extends Error {
  constructor(projection: string, generation: number, checkpointStore: string, store: string) {
    super(
      `projection "${projection}" generation ${generation} was folded from event store ${checkpointStore}, but this process ` +
        `reads event store ${store} (EVENTSTORE_URL or the database changed, or the log was recreated). ` +
        `Nothing is folded until it is rebuilt: ledger projections rebuild ${projection}`,
    );
    this.name = 'CheckpointOfAnotherStoreError';
  }
}

/** A generation built by a newer version of the projection than this installation has. */
export class NewerGenerationError extends Error {
  constructor(projection: string, generation: number, generationVersion: number, ownVersion: number) {
    super(
      `projection "${projection}" generation ${generation} was built by version ${generationVersion}, ` +
        `newer than this installation's version ${ownVersion}: rebuild it from an up-to-date installation`,
    );
    this.name = 'NewerGenerationError';
  }
}
