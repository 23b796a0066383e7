import type { Logger } from '@nestjs/common';
import { decodeAccountState, initialState, type AccountState } from '../../domain/src/index.js';
import type { EventStore } from '../../event-store/src/event-store.js';
import { accountStreamId, foldStored } from './account-stream.js';
import type { AccountSnapshots } from './account-snapshots.js';

/** An account's state, and the revision of the snapshot it started from (null: folded from the first event). */
export interface LoadedAccount {
  readonly state: AccountState;
  readonly snapshotRevision: bigint | null;
}

/**
 * The account's state: from its latest snapshot and the events after it when there is a usable one,
 * else folded from the whole stream. A snapshot is never trusted alone: the stream must still hold,
 * at the snapshot's revision, the event it was taken after (not so: another log, a stream deleted or
 * rewritten), and every later event is folded. A snapshot that cannot be read (altered, another
 * state version) is logged and passed over; errors of the event store itself are the caller's.
 */
export async function loadAccount(
  store: EventStore,
  snapshots: AccountSnapshots | null,
  accountId: string,
  logger: Pick<Logger, 'warn'>,
): Promise<LoadedAccount> {
  const streamId = accountStreamId(accountId);
  const fromSnapshot = snapshots ? await fromLatestSnapshot(store, snapshots, accountId, logger) : null;
  if (fromSnapshot) return fromSnapshot;
  return { state: foldStored(initialState(), await store.readStream(streamId)), snapshotRevision: null };
}

async function fromLatestSnapshot(
  store: EventStore,
  snapshots: AccountSnapshots,
  accountId: string,
  logger: Pick<Logger, 'warn'>,
): Promise<LoadedAccount | null> {
  const passOver = (why: string): null => {
    logger.warn(`account ${accountId}: snapshot not used (${why}); folding its whole stream`);
    return null;
  };
  let snapshot;
  try {
    snapshot = await snapshots.latest(accountId);
  } catch (error) {
    return passOver(error instanceof Error ? error.message : String(error));
  }
  if (!snapshot) return null;
  const tail = await store.readStream(accountStreamId(accountId), snapshot.revision);
  const anchor = tail[0];
  if (anchor?.streamRevision !== snapshot.revision || anchor.eventId !== snapshot.eventId) {
    return passOver(`the stream has not the event ${snapshot.eventId} at revision ${snapshot.revision}`);
  }
  let state: AccountState;
  try {
    state = decodeAccountState(snapshot.state);
  } catch (error) {
    return passOver((error as Error).message);
  }
  if (state.revision !== snapshot.revision) return passOver(`it holds revision ${state.revision}, filed as ${snapshot.revision}`);
  return { state: foldStored(state, tail.slice(1)), snapshotRevision: snapshot.revision };
}
