import { randomUUID } from 'node:crypto';
import { BACKWARDS, END, jsonEvent, NO_STREAM, WrongExpectedVersionError } from '@eventstore/db-client';
import type { EsdbClient } from './esdb-client.js';
import { onLeader, readStreamEvents } from './esdb-reads.js';

/**
 * The log's identity lives in the metadata of the stream `<prefix>ledger` (`$$<prefix>ledger`, a
 * system stream no reader receives): written once, by whichever process comes first.
 */
export async function storeIdentity(client: EsdbClient, prefix: string): Promise<string> {
  const stream = `$$${prefix}ledger`;
  const read = async (): Promise<string | null> => {
    const [last] = await readStreamEvents(client, stream, { fromRevision: END, maxCount: 1, direction: BACKWARDS });
    const id = last && typeof last.data === 'object' && last.data !== null ? (last.data as { ledgerStoreId?: unknown }).ledgerStoreId : null;
    return typeof id === 'string' ? id : null;
  };
  const existing = await onLeader(read);
  if (existing) return existing;
  try {
    const created = randomUUID();
    await onLeader(() =>
      client.appendToStream(stream, [jsonEvent({ type: '$metadata', data: { ledgerStoreId: created } })], {
        expectedRevision: NO_STREAM,
        requiresLeader: true,
      }),
    );
    return created;
  } catch (error) {
    if (!(error instanceof WrongExpectedVersionError)) throw error;
    const other = await onLeader(read);
    if (!other) throw new Error(`${stream} exists but names no ledgerStoreId: it was not written by License Ledger`, { cause: error });
    return other;
  }
}
