import { createHash } from 'node:crypto';
import { sql, type ColumnType, type Kysely } from 'kysely';
import { ACCOUNT_STATE_VERSION } from '../../domain/src/index.js';
import type { LedgerDatabase } from '../../database/src/ledger-database.js';

/** Created by libs/database/src/migrations/0009-account-snapshots.ts. */
export interface AccountSnapshotTables {
  ledger_account_snapshots: {
    store_id: string;
    account_id: string;
    state_version: number;
    /** bigint: a string when read. */
    revision: ColumnType<string, string, string>;
    event_id: string;
    state: string;
    checksum: string;
    taken_at: ColumnType<Date, never, Date>;
  };
}

/** An account's state at `revision` (`encodeAccountState`), and the id of the stream's event there. */
export interface AccountSnapshot {
  readonly revision: bigint;
  readonly eventId: string;
  readonly state: string;
}

/** A stored snapshot whose text is not what was written (its checksum differs). */
export class SnapshotChecksumError extends Error {
  constructor(accountId: string, revision: string) {
    super(`the snapshot of account ${accountId} at revision ${revision} does not match its checksum`);
    this.name = 'SnapshotChecksumError';
  }
}

/**
 * Snapshots of account states taken by this decider (`ACCOUNT_STATE_VERSION`) of one event log
 * (`storeId`). A cache of the fold: losing a row costs a longer fold, never a fact.
 */
export interface AccountSnapshots {
  /** The newest snapshot of the account, or null. Throws `SnapshotChecksumError` when its text was altered. */
  latest(accountId: string): Promise<AccountSnapshot | null>;
  /** Keeps `snapshot` unless one at a later revision is kept already. */
  save(accountId: string, snapshot: AccountSnapshot): Promise<void>;
}

export function createAccountSnapshots(database: LedgerDatabase, storeId: string): AccountSnapshots {
  const db: Kysely<AccountSnapshotTables> = database.kysely<AccountSnapshotTables>();
  return {
    async latest(accountId) {
      const row = await db
        .selectFrom('ledger_account_snapshots')
        .select(['revision', 'event_id', 'state', 'checksum'])
        .where('store_id', '=', storeId)
        .where('account_id', '=', accountId)
        .where('state_version', '=', ACCOUNT_STATE_VERSION)
        .executeTakeFirst();
      if (!row) return null;
      if (checksum(row.state) !== row.checksum) throw new SnapshotChecksumError(accountId, row.revision);
      return { revision: BigInt(row.revision), eventId: row.event_id, state: row.state };
    },
    async save(accountId, snapshot) {
      const revision = snapshot.revision.toString();
      await db
        .insertInto('ledger_account_snapshots')
        .values({
          store_id: storeId,
          account_id: accountId,
          state_version: ACCOUNT_STATE_VERSION,
          revision,
          event_id: snapshot.eventId,
          state: snapshot.state,
          checksum: checksum(snapshot.state),
        })
        .onConflict((c) =>
          c
            .columns(['store_id', 'account_id', 'state_version'])
            .doUpdateSet({
              revision: (eb) => eb.ref('excluded.revision'),
              event_id: (eb) => eb.ref('excluded.event_id'),
              state: (eb) => eb.ref('excluded.state'),
              checksum: (eb) => eb.ref('excluded.checksum'),
              taken_at: sql<Date>`now()`,
            })
            .where('ledger_account_snapshots.revision', '<', revision),
        )
        .execute();
    },
  };
}

/** SHA-256 of the text: a snapshot damaged at rest is refused rather than decided on. */
function checksum(text: string): string {
  return createHash('sha256').update(text).digest('base64');
}
