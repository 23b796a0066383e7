import { resolve } from 'node:path';
import type { ActivityActions } from '../../domain/src/activity-rules.js';
import { DEFAULT_LEASE_SECONDS } from '../../domain/src/rules/lease.js';

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
  /**
   * `PROJECTOR_PARTITIONS` (or `ledger projections run --partitions N`): into how many partitions a
   * projector splits the projections that fold account by account, to share them with the other
   * projector processes on the database (docs/projections.md, "Partitions"). Default 1: not split.
   * Needs DATABASE_URL; at most MAX_PROJECTOR_PARTITIONS.
   */
  readonly projectorPartitions?: number;
  /**
   * `SNAPSHOT_EVERY_EVENTS`: the write side snapshots an account's state once this many events were
   * appended to it since its last snapshot (default `DEFAULT_SNAPSHOT_EVERY_EVENTS`, docs/decisions.md); 0: no snapshots written.
   */
  readonly snapshotEveryEvents?: number;
  /** How the service runs: logs, limits, compression (docs/operations.md); unset: the defaults (`serviceConfig`). */
  readonly service?: ServiceConfig;
  /**
   * `LEDGER_SECRET_KEY`: the 32-byte key webhook secrets are encrypted with (base64 or hex). Unset: the
   * embedded store keeps a generated one in the data dir; with DATABASE_URL webhooks need it set.
   */
  readonly secretKey?: Uint8Array;
  /** Webhook URL policy (SPEC §9): `WEBHOOK_ALLOW_HTTP=1` allows http://, `WEBHOOK_ALLOW_PRIVATE=1` private addresses. */
  readonly webhooks?: WebhookConfig;
}

/**
 * Default of `SNAPSHOT_EVERY_EVENTS`: a restarted ledger folds at most about this many events past an
 * account's snapshot (a few tens of milliseconds), and a busy account is encoded once per this many events.
 */
export const DEFAULT_SNAPSHOT_EVERY_EVENTS = 10_000;

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
  /**
   * `REPLAY_THREADS`: with PostgreSQL (or EventStoreDB) holding the events, replays run on up to
   * `replayConcurrency` worker threads, each with its own connection, off the event loop that answers
   * the other requests (`on`, default); `off` replays in that event loop.
   */
  readonly replayThreads: boolean;
  /** `IMPORT_MAX_LINE_BYTES`: the longest line of an NDJSON import, HTTP and CLI. */
  readonly importMaxLineBytes: number;
  /** `HTTP_COMPRESSION`: gzip/deflate/br answers to clients that accept them (`on`, default) or not (`off`). */
  readonly compression: boolean;
}

/** Used when a configuration was built without `loadConfig` (tests): https only, public addresses only. */
export const DEFAULT_WEBHOOK_CONFIG: WebhookConfig = { allowHttp: false, allowPrivate: false, retryInitialSeconds: 10, timeoutSeconds: 10 };

export interface WebhookConfig {
  readonly allowHttp: boolean;
  readonly allowPrivate: boolean;
  /** `WEBHOOK_RETRY_INITIAL_SECONDS` (default 10): the wait after the first failed attempt, doubled after each (at most an hour). */
  readonly retryInitialSeconds: number;
  /** `WEBHOOK_TIMEOUT_SECONDS` (default 10): how long one attempt may take. */
  readonly timeoutSeconds: number;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): LedgerConfig {
  return {
    eventStoreUrl: nonEmpty(env.EVENTSTORE_URL),
    eventStoreStreamPrefix: nonEmpty(env.EVENTSTORE_STREAM_PREFIX),
    databaseUrl: nonEmpty(env.DATABASE_URL),
    databaseSchema: nonEmpty(env.DATABASE_SCHEMA),
    dataDir: resolve(nonEmpty(env.LEDGER_DATA_DIR) ?? './.ledger'),
    port: positiveInteger(env.PORT, 'PORT', 3000),
    sessionLeaseSeconds: positiveInteger(env.SESSION_LEASE_SECONDS, 'SESSION_LEASE_SECONDS', DEFAULT_LEASE_SECONDS),
    activityActions: actionList(env.ACTIVITY_ACTIONS, 'ACTIVITY_ACTIONS'),
    rebuildBatchSize: positiveInteger(env.REBUILD_BATCH_SIZE, 'REBUILD_BATCH_SIZE', undefined),
    projectorPartitions: projectorPartitions(env.PROJECTOR_PARTITIONS, 'PROJECTOR_PARTITIONS', nonEmpty(env.DATABASE_URL)),
    snapshotEveryEvents: wholeNumber(env.SNAPSHOT_EVERY_EVENTS, 'SNAPSHOT_EVERY_EVENTS', DEFAULT_SNAPSHOT_EVERY_EVENTS),
    service: {
      logLevel: oneOf(env.LOG_LEVEL, 'LOG_LEVEL', LOG_LEVELS, 'info'),
      logFormat: oneOf(env.LOG_FORMAT, 'LOG_FORMAT', ['json', 'pretty'] as const, undefined),
      rateLimitRequests: wholeNumber(env.RATE_LIMIT_REQUESTS, 'RATE_LIMIT_REQUESTS', 1200),
      rateLimitWindowSeconds: positiveInteger(env.RATE_LIMIT_WINDOW_SECONDS, 'RATE_LIMIT_WINDOW_SECONDS', 60),
      replayConcurrency: positiveInteger(env.REPLAY_CONCURRENCY, 'REPLAY_CONCURRENCY', 2),
      replayThreads: oneOf(env.REPLAY_THREADS, 'REPLAY_THREADS', ['on', 'off'] as const, 'on') === 'on',
      importMaxLineBytes: positiveInteger(env.IMPORT_MAX_LINE_BYTES, 'IMPORT_MAX_LINE_BYTES', 1024 * 1024),
      compression: oneOf(env.HTTP_COMPRESSION, 'HTTP_COMPRESSION', ['on', 'off'] as const, 'on') === 'on',
    },
    secretKey: secretKey(env.LEDGER_SECRET_KEY, 'LEDGER_SECRET_KEY'),
    webhooks: {
      allowHttp: flag(env.WEBHOOK_ALLOW_HTTP, 'WEBHOOK_ALLOW_HTTP'),
      allowPrivate: flag(env.WEBHOOK_ALLOW_PRIVATE, 'WEBHOOK_ALLOW_PRIVATE'),
      retryInitialSeconds: positiveNumber(env.WEBHOOK_RETRY_INITIAL_SECONDS, 'WEBHOOK_RETRY_INITIAL_SECONDS', 10),
      timeoutSeconds: positiveNumber(env.WEBHOOK_TIMEOUT_SECONDS, 'WEBHOOK_TIMEOUT_SECONDS', 10),
    },
  };
}

/** The session lease in milliseconds: `SESSION_LEASE_SECONDS`, the domain's default where a configuration built in code has none. */
export function sessionLeaseMs(config?: Pick<LedgerConfig, 'sessionLeaseSeconds'>): number {
  return (config?.sessionLeaseSeconds ?? DEFAULT_LEASE_SECONDS) * 1000;
}

/** The service settings of `config`, the defaults where it has none (a configuration built in code). */
export function serviceConfig(config: Pick<LedgerConfig, 'service'>): ServiceConfig {
  return config.service ?? loadConfig({}).service!;
}

function oneOf<T extends string, Fallback extends T | undefined>(
  value: string | undefined,
  name: string,
  allowed: readonly T[],
  fallback: Fallback,
): T | Fallback {
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

/** `1`/`true`/`yes` → true; unset, `0`/`false`/`no` → false; anything else is refused. */
function flag(value: string | undefined, name: string): boolean {
  const text = nonEmpty(value)?.toLowerCase();
  if (text === undefined || text === '0' || text === 'false' || text === 'no') return false;
  if (text === '1' || text === 'true' || text === 'yes') return true;
  throw new Error(`${name} must be 1 (on) or 0 (off), got "${value}"`);
}

function positiveNumber(value: string | undefined, name: string, fallback: number): number {
  if (nonEmpty(value) === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number of seconds, got "${value}"`);
  return n;
}

const KEY_BYTES = 32;

/** 32 bytes, written as base64 (e.g. `openssl rand -base64 32`) or as 64 hex digits. */
function secretKey(value: string | undefined, name: string): Uint8Array | undefined {
  const text = nonEmpty(value);
  if (text === undefined) return undefined;
  const bytes = /^[0-9a-f]{64}$/i.test(text) ? Buffer.from(text, 'hex') : /^[A-Za-z0-9+/]{43}=?$/.test(text) ? Buffer.from(text, 'base64') : null;
  if (bytes === null || bytes.length !== KEY_BYTES) {
    throw new Error(
      `${name} must be ${KEY_BYTES} random bytes written as base64 (44 characters, e.g. \`openssl rand -base64 32\`) or as 64 hex digits`,
    );
  }
  return new Uint8Array(bytes);
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

/** The most partitions a projection is split into (PROJECTOR_PARTITIONS). */
export const MAX_PROJECTOR_PARTITIONS = 64;

/** PROJECTOR_PARTITIONS, or `--partitions` (`name`): 1 to MAX_PROJECTOR_PARTITIONS, more than 1 only with DATABASE_URL. */
export function projectorPartitions(value: string | undefined, name: string, databaseUrl: string | undefined): number | undefined {
  const n = positiveInteger(value, name, undefined);
  if (n === undefined) return undefined;
  if (n > MAX_PROJECTOR_PARTITIONS) throw new Error(`${name} must be at most ${MAX_PROJECTOR_PARTITIONS}, got ${n}`);
  if (n > 1 && databaseUrl === undefined) {
    throw new Error(`${name}=${n} needs DATABASE_URL: the embedded store runs in one process, so there is nothing to share`);
  }
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
