import { NotLeaderError, StreamNotFoundError, type BACKWARDS, type END, type FORWARDS, type StreamingRead } from '@eventstore/db-client';
import type { EsdbClient } from './esdb-client.js';

/** Reads on the leader that the EventStoreDB adapter (esdb-event-store.ts) and its identity (esdb-store-identity.ts) share. */

/** What this adapter uses of a recorded event, from a stream read or an $all read alike. */
export interface EsdbRecordedEvent {
  readonly streamId: string;
  readonly id: string;
  readonly revision: bigint;
  readonly type: string;
  readonly isJson: boolean;
  readonly data: unknown;
  readonly metadata: unknown;
  readonly position?: { readonly commit: bigint; readonly prepare: bigint };
}

/**
 * The operation, tried once more if the node it reached is not the leader: the client then
 * reconnects to the leader the node named, and a refused operation did nothing, so trying again is safe.
 */
export async function onLeader<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (!(error instanceof NotLeaderError)) throw error;
    return operation();
  }
}

/** The events of one stream read on the leader; none when the stream does not exist. */
export async function readStreamEvents(
  client: EsdbClient,
  stream: string,
  options: { fromRevision: bigint | typeof END; maxCount?: number; direction: typeof FORWARDS | typeof BACKWARDS },
): Promise<EsdbRecordedEvent[]> {
  try {
    return await allOf(client.readStream(stream, { ...options, requiresLeader: true }));
  } catch (error) {
    if (error instanceof StreamNotFoundError) return [];
    throw error;
  }
}

/** Every event of a bounded read (read to its end, so no gRPC call is left open). */
export async function allOf<E extends { event?: EsdbRecordedEvent }>(read: StreamingRead<E>): Promise<EsdbRecordedEvent[]> {
  const events: EsdbRecordedEvent[] = [];
  for await (const { event } of read) if (event) events.push(event);
  return events;
}
