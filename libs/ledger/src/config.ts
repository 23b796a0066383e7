import { resolve } from 'node:path';
import type { ActivityActions } from '../../domain/src/activity-rules.js';

/** Runtime configuration from the environment (SPEC §6, Configuration). */
export interface LedgerConfig {
  /** `esdb://…` → EventStoreDB holds the events; unset → the SQL database does. */
  readonly eventStoreUrl?: string;
  /** `EVENTSTORE_STREAM_PREFIX`: the ledger's namespace on EventStoreDB; unset → the database schema's name. */
  readonly eventStoreStreamPrefix?: string;
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
  /** How the service runs: logs, limits, compression (docs/operations.md); unset: the defaults (`serviceConfig`). */
  readonly service?: ServiceConfig;
}

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export interface ServiceConfig {
  /** `LOG_LEVEL` (default `info`). */
  readonly logLevel: LogLevel;
  /** `LOG_FORMAT`: `json` (one object a line), `pretty` (for people); unset: pretty on a terminal, else json. */
  readonly logFormat?: 'json' | 'pretty';
  /** `RATE_LIMIT_REQUESTS` per `RATE_LIMIT_WINDOW_SECONDS`, per API key; 0: no limit. */
  readonly rateLimitRequests: number;
  readonly rateLimitWindowSeconds: number;
  /** `REPLAY_CONCURRENCY`: requests that replay history served at once by this process; more → 503 BUSY. */
  readonly replayConcurrency: number;
  /** `IMPORT_MAX_LINE_BYTES`: the longest line of an NDJSON import, HTTP and CLI. */
  readonly importMaxLineBytes: number;
  /** `HTTP_COMPRESSION`: gzip/deflate/br answers to clients that accept them (`on`, default) or not (`off`). */
  readonly compression: boolean;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): LedgerConfig {
  return {
    eventStoreUrl: nonEmpty(env.EVENTSTORE_URL),
    eventStoreStreamPrefix: nonEmpty(env.EVENTSTORE_STREAM_PREFIX),
    databaseUrl: nonEmpty(env.DATABASE_URL),
    databaseSchema: nonEmpty(env.DATABASE_SCHEMA),
    dataDir: resolve(nonEmpty(env.LEDGER_DATA_DIR) ?? './.ledger'),
    port: positiveInteger(env.PORT, 'PORT', 3000),
    sessionLeaseSeconds: positiveInteger(env.SESSION_LEASE_SECONDS, 'SESSION_LEASE_SECONDS', 900),
    activityActions: actionList(env.ACTIVITY_ACTIONS, 'ACTIVITY_ACTIONS'),
    rebuildBatchSize: positiveInteger(env.REBUILD_BATCH_SIZE, 'REBUILD_BATCH_SIZE', undefined),
    service: {
      logLevel: oneOf(env.LOG_LEVEL, 'LOG_LEVEL', LOG_LEVELS, 'info'),
      logFormat: oneOf(env.LOG_FORMAT, 'LOG_FORMAT', ['json', 'pretty'] as const, undefined),
      rateLimitRequests: wholeNumber(env.RATE_LIMIT_REQUESTS, 'RATE_LIMIT_REQUESTS', 1200),
      rateLimitWindowSeconds: positiveInteger(env.RATE_LIMIT_WINDOW_SECONDS, 'RATE_LIMIT_WINDOW_SECONDS', 60),
      replayConcurrency: positiveInteger(env.REPLAY_CONCURRENCY, 'REPLAY_CONCURRENCY', 2),
      importMaxLineBytes: positiveInteger(env.IMPORT_MAX_LINE_BYTES, 'IMPORT_MAX_LINE_BYTES', 1024 * 1024),
      compression: oneOf(env.HTTP_COMPRESSION, 'HTTP_COMPRESSION', ['on', 'off'] as const, 'on') === 'on',
    },
  };
}

/** The service settings of `config`, the defaults where it has none (a configuration built in code). */
export function serviceConfig(config: Pick<LedgerConfig, 'service'>): ServiceConfig {
  return config.service ?? loadConfig({}).service!;
}

function oneOf<T extends string, Fallback extends T | undefined>(value: string | undefined, name: string, allowed: readonly T[], fallback: Fallback): T | Fallback {
  const given = nonEmpty(value)?.toLowerCase();
  if (given === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(given)) throw new Error(`${name} must be one of ${allowed.join(', ')}, got "${value}"`);
  return given as T;
}

function wholeNumber(value: string | undefined, name: string, fallback: number): number {
  if (nonEmpty(value) === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a whole number (0 or more), got "${value}"`);
  return n;
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
