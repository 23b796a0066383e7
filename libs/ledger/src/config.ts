import { resolve } from 'node:path';

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
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): LedgerConfig {
  return {
    eventStoreUrl: nonEmpty(env.EVENTSTORE_URL),
    databaseUrl: nonEmpty(env.DATABASE_URL),
    databaseSchema: nonEmpty(env.DATABASE_SCHEMA),
    dataDir: resolve(nonEmpty(env.LEDGER_DATA_DIR) ?? './.ledger'),
    port: positiveInteger(env.PORT, 'PORT', 3000),
    sessionLeaseSeconds: positiveInteger(env.SESSION_LEASE_SECONDS, 'SESSION_LEASE_SECONDS', 900),
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function positiveInteger(value: string | undefined, name: string, fallback: number): number {
  if (nonEmpty(value) === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive whole number, got "${value}"`);
  return n;
}
