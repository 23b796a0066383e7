import type { Logger } from '@nestjs/common';
import { encodeAccountState, type AccountState } from '../../domain/src/index.js';
import type { EventStore } from '../../event-store/src/event-store.js';
import { accountStreamId } from './account-stream.js';
import type { AccountSnapshots } from './account-snapshots.js';

/** Runs `task` on the account's cached state while no command of the account runs (undefined: not cached). */
export type WithAccountState = <T>(accountId: string, task: (state: AccountState | undefined) => T) => Promise<T>;

/**
 * Takes a snapshot of an account once `everyEvents` events were appended to it since the last one
 * (or since the first event, for an account folded whole). It runs after the command that crossed
 * the mark has answered: the state is encoded while the account's next commands wait (the encoding
 * is synchronous work), then the text is written while they run. A failed snapshot is logged and
 * never fails a command; the next append tries again.
 */
export class SnapshotWriter {
  /** Revision of the latest snapshot taken or loaded, per account (-1n: none). */
  private readonly taken = new Map<string, bigint>();
  private readonly writing = new Map<string, Promise<void>>();

  constructor(
    private readonly store: EventStore,
    private readonly snapshots: AccountSnapshots,
    private readonly everyEvents: number,
    private readonly withAccountState: WithAccountState,
    private readonly logger: Pick<Logger, 'warn'>,
  ) {}

  /** The account's state was loaded from the snapshot at `revision` (null: from its first event). */
  loaded(accountId: string, revision: bigint | null): void {
    this.taken.set(accountId, revision ?? -1n);
  }

  /** Events were appended to the account; `state` holds them. */
  appended(accountId: string, state: AccountState): void {
    const since = state.revision - (this.taken.get(accountId) ?? -1n);
    if (since < BigInt(this.everyEvents) || this.writing.has(accountId)) return;
    const write = this.write(accountId).finally(() => this.writing.delete(accountId));
    this.writing.set(accountId, write);
  }

  /** Resolves once every snapshot started so far is written (or has failed). */
  async idle(): Promise<void> {
    while (this.writing.size > 0) await Promise.all(this.writing.values());
  }

  private async write(accountId: string): Promise<void> {
    try {
      const taken = await this.withAccountState(accountId, (state) =>
        state && state.revision >= 0n ? { revision: state.revision, text: encodeAccountState(state) } : null,
      );
      if (!taken) return;
      const { revision, text } = taken;
      const [event] = await this.store.readStream(accountStreamId(accountId), revision, 1);
      if (event?.streamRevision !== revision) throw new Error(`the stream has no event at revision ${revision}`);
      await this.snapshots.save(accountId, { revision, eventId: event.eventId, state: text });
      if (revision > (this.taken.get(accountId) ?? -1n)) this.taken.set(accountId, revision);
    } catch (error) {
      this.logger.warn(`account ${accountId}: snapshot not written (${error instanceof Error ? error.message : String(error)})`);
    }
  }
}
