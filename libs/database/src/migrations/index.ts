import type { Migration } from 'kysely/migration';
import { eventStoreMigration } from './0001-event-store.js';
import { projectionRegistryMigration } from './0002-projection-registry.js';
import { apiKeysMigration } from './0003-api-keys.js';
import { rejectedCommandsMigration } from './0004-rejected-commands.js';
import { eventStoreIdentityMigration } from './0005-event-store-identity.js';
import { checkpointStoreMigration } from './0006-checkpoint-store.js';
import { webhooksMigration } from './0007-webhooks.js';
import { notifyAfterCommitMigration } from './0008-notify-after-commit.js';
import { accountSnapshotsMigration } from './0009-account-snapshots.js';
import { replayCheckpointsMigration } from './0010-replay-checkpoints.js';
import { eventsByCommandMigration } from './0011-events-by-command.js';
import { projectionPartitionsMigration } from './0012-projection-partitions.js';

/**
 * The ledger's own tables (those that are not read models), as forward-only migrations in the order
 * they run. To change a table or add one: add a file `NNNN-what.ts` with the next number and list it
 * here, last. Never edit or reorder a migration that has shipped: databases have run it
 * (docs/database.md).
 */
export const LEDGER_MIGRATIONS: Readonly<Record<string, Migration>> = {
  '0001-event-store': eventStoreMigration,
  '0002-projection-registry': projectionRegistryMigration,
  '0003-api-keys': apiKeysMigration,
  '0004-rejected-commands': rejectedCommandsMigration,
  '0005-event-store-identity': eventStoreIdentityMigration,
  '0006-checkpoint-store': checkpointStoreMigration,
  '0007-webhooks': webhooksMigration,
  '0008-notify-after-commit': notifyAfterCommitMigration,
  '0009-account-snapshots': accountSnapshotsMigration,
  '0010-replay-checkpoints': replayCheckpointsMigration,
  '0011-events-by-command': eventsByCommandMigration,
  '0012-projection-partitions': projectionPartitionsMigration,
};
