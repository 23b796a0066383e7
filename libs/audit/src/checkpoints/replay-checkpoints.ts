import { createHash } from 'node:crypto';
import type { ColumnType, Kysely } from 'kysely';
import type { LedgerDatabase } from '../../../database/src/ledger-database.js';
import { formatPosition, parsePosition } from '../../../event-store/src/event-store.js';
import { CHECKPOINT_VERSIONS, type FoldedThrough } from './audit-fold.js';

/** Created by libs/database/src/migrations/0010-replay-checkpoints.ts. */
interface ReplayCheckpointTables {
  ledger_replay_checkpoints: {
    store_id: string;
    account_id: string;
    state_version: number;
    replay_version: number;
    /** bigint: a string when read. */
    revision: ColumnType<string, string, string>;
    event_id: string;
    position: string;
    last_occurred_at: ColumnType<string, number, number>;
    body: string;
    checksum: string;
    taken_at: ColumnType<Date, never, Date>;
  };
}

/** An `AuditFold` as text (`encodeAuditFold`), and the event it was folded through. */
export interface ReplayCheckpoint {
  readonly through: FoldedThrough;
  readonly body: string;
}

/**
 * Checkpoints of the auditors' replays of one event log (`storeId`), taken by this version of the fold
 * (`CHECKPOINT_VERSIONS`): rows of another version are never read. A cache of the fold: losing a row
 * costs a longer fold, never a fact; a row whose text does not match its checksum is skipped.
 */
export interface ReplayCheckpoints {
  /** The checkpoint at the highest revision whose last event is at or before `instant` (every event it folded is then ≤ instant). */
  latestAtOrBefore(accountId: string, instant: number): Promise<ReplayCheckpoint | null>;
  /** The checkpoint at the highest revision. */
  latest(accountId: string): Promise<ReplayCheckpoint | null>;
  /** Keeps `checkpoint` (once per revision). */
  save(accountId: string, checkpoint: ReplayCheckpoint): Promise<void>;
}

export function createReplayCheckpoints(database: LedgerDatabase, storeId: string): ReplayCheckpoints {
  const db: Kysely<ReplayCheckpointTables> = database.kysely<ReplayCheckpointTables>();
  const newest = async (accountId: string, instant: number | null): Promise<ReplayCheckpoint | null> => {
    let query = db
      .selectFrom('ledger_replay_checkpoints')
      .select(['revision', 'event_id', 'position', 'last_occurred_at', 'body', 'checksum'])
      .where('store_id', '=', storeId)
      .where('account_id', '=', accountId)
      .where('state_version', '=', CHECKPOINT_VERSIONS.state)
      .where('replay_version', '=', CHECKPOINT_VERSIONS.replay)
      .orderBy('revision', 'desc');
    if (instant !== null) query = query.where('last_occurred_at', '<=', String(instant));
    // The newest sound row: one altered since it was written is passed over for the one before it.
    for (let offset = 0; ; offset += 1) {
      const row = await query.offset(offset).limit(1).executeTakeFirst();
      if (!row) return null;
      if (checksum(row.body) !== row.checksum) continue;
      const through = {
        revision: BigInt(row.revision),
        eventId: row.event_id,
        position: parsePosition(row.position),
        occurredAt: Number(row.last_occurred_at),
      };
      return { through, body: row.body };
    }
  };
  return {
    latestAtOrBefore: (accountId, instant) => newest(accountId, instant),
    latest: (accountId) => newest(accountId, null),
    async save(accountId, { through, body }) {
      await db
        .insertInto('ledger_replay_checkpoints')
        .values({
          store_id: storeId,
          account_id: accountId,
          state_version: CHECKPOINT_VERSIONS.state,
          replay_version: CHECKPOINT_VERSIONS.replay,
          revision: through.revision.toString(),
          event_id: through.eventId,
          position: formatPosition(through.position)!,
          last_occurred_at: through.occurredAt,
          body,
          checksum: checksum(body),
        })
        .onConflict((c) => c.doNothing())
        .execute();
    },
  };
}

function checksum(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
