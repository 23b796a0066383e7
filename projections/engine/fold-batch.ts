import { sql } from 'kysely';
import { accountIdOfStream } from '../../libs/domain/src/streams.js';
import { comparePositions, formatPosition, type LogPosition, type StoredEvent } from '../../libs/event-store/src/event-store.js';
import { decodeStoredEvents, type StoredLedgerEvent } from '../../libs/event-store/src/stored-ledger-event.js';
import type { Projection } from '../projection.js';
import type { EngineDeps } from './engine-deps.js';
import { readModelDb } from './read-model-db.js';
import { advanceCheckpoint, lockCheckpoint } from './registry.js';

export interface FoldTarget {
  readonly projection: Projection;
  readonly generation: number;
  readonly schema: string;
}

export type BatchOutcome =
  /** `outside`: events of the batch that are not in an account stream, passed over (the checkpoint moved past them). */
  | { readonly kind: 'committed'; readonly position: LogPosition; readonly outside: readonly StoredEvent[] }
  /** The checkpoint belongs to another event store (`storeId`): nothing was written. */
  | { readonly kind: 'other-store'; readonly storeId: string }
  /** The generation was halted (see `haltGeneration`): nothing was written. */
  | { readonly kind: 'halted'; readonly reason: string }
  /** Another runner moved the checkpoint since `expected`: nothing was written; read on from `position`. */
  | { readonly kind: 'moved'; readonly position: LogPosition | null }
  /** The generation was retired or discarded: nothing was written. */
  | { readonly kind: 'ended' }
  /** The generation was split into partitions (partition-registry.ts), each folded on its own: nothing was written. */
  | { readonly kind: 'partitioned' };

/**
 * Folds one batch into a generation in ONE transaction (after the projection's `prepare`, if it has one): the batch lock, a compare-and-set on the
 * checkpoint (which must still be `expected`), `apply`, then the new checkpoint — the last event of
 * the batch, whether or not any event was for this projection. So each event takes effect exactly
 * once, however many runners there are and wherever one crashes. Every fact of the ledger is in an
 * account stream: an event elsewhere is passed over (and answered, for the caller to report) rather
 * than handed to `apply`, where it would fail the batch again and again. The events handed over are decoded
 * (`decodeStoredEvent`): a payload that does not fit its type fails the batch with an `EventDecodingError`.
 */
export function foldBatch(deps: EngineDeps, target: FoldTarget, expected: LogPosition | null, batch: readonly StoredEvent[]): Promise<BatchOutcome> {
  return foldDecodedBatch(deps, target, expected, batch, eventsFor(target.projection, batch));
}

/** The events of `batch` a projection folds (its types, in account streams), decoded by its `decode`. */
export function eventsFor(projection: Projection, batch: readonly StoredEvent[]): readonly StoredLedgerEvent[] {
  const decode = projection.decode ?? decodeStoredEvents;
  return decode(batch.filter((event) => foldsEvent(projection, event)));
}

/** Whether `apply` gets this event: one of the projection's types, in an account stream. */
export function foldsEvent(projection: Projection, event: StoredEvent): boolean {
  return projection.eventTypes.has(event.type) && accountIdOfStream(event.streamId) !== null;
}

/**
 * `foldBatch` with the events already picked and decoded (`events`: those of `batch` the projection
 * folds, in log order) — for a reader that decodes a batch once for several projections.
 */
export async function foldDecodedBatch(
  deps: EngineDeps,
  target: FoldTarget,
  expected: LogPosition | null,
  batch: readonly StoredEvent[],
  events: readonly StoredLedgerEvent[],
): Promise<BatchOutcome> {
  const { projection, generation, schema } = target;
  const last = batch[batch.length - 1].position;
  const outside = batch.filter((event) => accountIdOfStream(event.streamId) === null);
  if (events.length > 0 && projection.prepare) await projection.prepare(readModelDb(deps.db, schema), events, deps.context);
  return deps.db.transaction().execute(async (trx) => {
    await sql`SELECT pg_advisory_xact_lock(hashtext(${`license-ledger:projection-batch:${schema}`}))`.execute(trx);
    const checkpoint = await lockCheckpoint(trx, projection.name, generation);
    if (!checkpoint || checkpoint.status === 'retired') return { kind: 'ended' };
    if (checkpoint.partitions !== null) return { kind: 'partitioned' };
    if (checkpoint.halted !== null) return { kind: 'halted', reason: checkpoint.halted };
    if (checkpoint.storeId !== null && checkpoint.storeId !== deps.store.storeId) return { kind: 'other-store', storeId: checkpoint.storeId };
    if (comparePositions(checkpoint.position, expected) !== 0) return { kind: 'moved', position: checkpoint.position };
    if (events.length > 0) await projection.apply(readModelDb(trx, schema), events, deps.context);
    await advanceCheckpoint(trx, projection.name, generation, deps.store.storeId, last, batch.length, events.length);
    return { kind: 'committed', position: last, outside };
  });
}

/** What a reader warns of events passed over (`outside`): `passed over 2 event(s) outside the ledger's account streams, first …`. */
export function describeOutside(events: readonly StoredEvent[]): string {
  const [first] = events;
  return (
    `passed over ${events.length} event(s) outside the ledger's account streams, first ${first.eventId} (${first.type}) in stream ` +
    `"${first.streamId}" at ${formatPosition(first.position)}: something other than the ledger writes to its event store`
  );
}
