import { resolve } from 'node:path';
import type { ActivityActions } from '../../domain/src/activity-rules.js';

/** Runtime configuration from the environment (SPEC §6, Configuration). */
export interface LedgerConfig {
  /** `esdb://…` → EventStoreDB holds the events; unset → the SQL database does. */
  readonly eventStoreUrl?: string;
  /** PostgreSQL for events and read models; unset → embedded PGlite in `dataDir`. */
  readonly databaseUrl?: string;
  /** PostgreSQL schema for every table (default `public`); lets several ledgers share a server. */
  readonly databaseSchema?: string;
  readonly dataDir: string;
  readonly port: number;
  readonly sessionLeaseSeconds: number;
  /** `ACTIVITY_ACTIONS`: the `RecordActivity` actions that count as activity, sorted; unset (null) = all. */
  readonly activityActions?: ActivityActions;
  /** `REBUILD_BATCH_SIZE`: most events a rebuild folds per transaction (unset: the engine's default). */
  readonly rebuildBatchSize?: number;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): LedgerConfig {
  return {
    eventStoreUrl: nonEmpty(env.EVENTSTORE_URL),
    databaseUrl: nonEmpty(env.DATABASE_URL),
    databaseSchema: nonEmpty(env.DATABASE_SCHEMA),
    dataDir: resolve(nonEmpty(env.LEDGER_DATA_DIR) ?? './.ledger'),
    port: positiveInteger(env.PORT, 'PORT', 3000),
    sessionLeaseSeconds: positiveInteger(env.SESSION_LEASE_SECONDS, 'SESSION_LEASE_SECONDS', 900),
    activityActions: actionList(env.ACTIVITY_ACTIONS, 'ACTIVITY_ACTIONS'),
    rebuildBatchSize: positiveInteger(env.REBUILD_BATCH_SIZE, 'REBUILD_BATCH_SIZE', undefined),
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function positiveInteger<Fallback extends number | undefined>(value: string | undefined, name: string, fallback: Fallback): number | Fallback {
  if (nonEmpty(value) === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive whole number, got "${value}"`);
  return n;
}

/** The longest action name a `RecordActivity` accepts. */
const MAX_ACTION_LENGTH = 100;

/** Comma-separated action names, trimmed, deduplicated and sorted (so the same set is the same rule). */
function actionList(value: string | undefined, name: string): ActivityActions {
  if (nonEmpty(value) === undefined) return null;
  const names = value!.split(',').map((item) => item.trim());
  names.forEach((item, index) => {
    if (item === '') throw new Error(`${name} must list action names separated by commas; name ${index + 1} is empty in "${value}"`);
    if (item.length > MAX_ACTION_LENGTH) throw new Error(`${name}: name ${index + 1} is longer than ${MAX_ACTION_LENGTH} characters`);
    if (/[\u0000-\u001f\u007f-\u009f]/.test(item)) throw new Error(`${name}: name ${index + 1} contains control characters`);
  });
  return [...new Set(names)].sort();
}
