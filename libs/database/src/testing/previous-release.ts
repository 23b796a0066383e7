/**
 * The ledger's own tables exactly as the release before migrations created them (commit 94740de:
 * event-store-schema.ts, registry.ts, sql-api-key-store.ts and rejected-commands.ts ran this DDL at
 * start-up), with a few rows: the database an upgrade finds. One statement per entry (PGlite's
 * extended protocol takes one at a time).
 */
export const PREVIOUS_RELEASE_DDL: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS streams (
    stream_id text PRIMARY KEY,
    revision bigint NOT NULL
  )`,
  `CREATE TABLE IF NOT EXISTS events (
    global_position bigserial PRIMARY KEY,
    transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
    stream_id text NOT NULL,
    stream_revision bigint NOT NULL,
    event_id uuid NOT NULL,
    type text NOT NULL,
    data jsonb NOT NULL,
    metadata jsonb NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (stream_id, stream_revision)
  )`,
  `CREATE INDEX IF NOT EXISTS events_log_order ON events (transaction_id, global_position)`,
  `CREATE OR REPLACE FUNCTION notify_events_appended() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    PERFORM pg_notify('ledger_events_appended', '');
    RETURN NULL;
  END $$`,
  `DO $$ BEGIN
    IF NOT EXISTS (SELECT FROM pg_trigger WHERE tgname = 'events_appended' AND tgrelid = 'events'::regclass) THEN
      CREATE TRIGGER events_appended AFTER INSERT ON events FOR EACH STATEMENT EXECUTE FUNCTION notify_events_appended();
    END IF;
  END $$`,
  `CREATE TABLE IF NOT EXISTS ledger_projections (
    name text NOT NULL,
    generation integer NOT NULL,
    version integer NOT NULL,
    rules text NOT NULL,
    status text NOT NULL CHECK (status IN ('active', 'building', 'retired')),
    position_commit numeric(20, 0),
    position_prepare numeric(20, 0),
    events_seen bigint NOT NULL DEFAULT 0,
    events_folded bigint NOT NULL DEFAULT 0,
    last_error text,
    started_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (name, generation),
    CHECK ((position_commit IS NULL) = (position_prepare IS NULL))
  )`,
  `CREATE UNIQUE INDEX IF NOT EXISTS ledger_projections_one_active ON ledger_projections (name) WHERE status = 'active'`,
  `CREATE UNIQUE INDEX IF NOT EXISTS ledger_projections_one_building ON ledger_projections (name) WHERE status = 'building'`,
  `CREATE TABLE IF NOT EXISTS ledger_api_keys (
    key_id text PRIMARY KEY,
    secret_hash text NOT NULL,
    account_id text,
    role text NOT NULL CHECK (role IN ('account-admin', 'auditor', 'ingest', 'operator')),
    created_at timestamptz NOT NULL,
    revoked_at timestamptz,
    CHECK ((role = 'operator') = (account_id IS NULL))
  )`,
  `CREATE INDEX IF NOT EXISTS ledger_api_keys_account ON ledger_api_keys (account_id)`,
  `CREATE TABLE IF NOT EXISTS ledger_rejected_commands (
    account_id text NOT NULL,
    command_id text NOT NULL,
    code text NOT NULL,
    message text NOT NULL,
    errors jsonb NOT NULL,
    rejected_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, command_id)
  )`,
];

/** Rows the previous release had written: one account stream of one event, a key, a rejection, a generation. */
export const PREVIOUS_RELEASE_ROWS: readonly string[] = [
  `INSERT INTO streams (stream_id, revision) VALUES ('account-acme', 0)`,
  `INSERT INTO events (stream_id, stream_revision, event_id, type, data, metadata) VALUES ('account-acme', 0,
    '7c9e6679-7425-40de-944b-e07fc1f90ae7', 'AccountOpened', '{"name": "Acme", "timezone": "UTC"}',
    '{"commandId": null, "correlationId": "c1", "causationId": null, "actor": "cli", "occurredAt": "2026-01-05T14:00:00.000Z", "schemaVersion": 1, "recordedAt": "2026-01-05T14:00:00.000Z"}')`,
  `INSERT INTO ledger_api_keys (key_id, secret_hash, account_id, role, created_at) VALUES ('k1', 'hash', 'acme', 'auditor', '2026-01-05T14:00:00Z')`,
  `INSERT INTO ledger_rejected_commands (account_id, command_id, code, message, errors) VALUES ('acme', 'cmd-1', 'NOT_FOUND', 'no such org', '[]')`,
  `INSERT INTO ledger_projections (name, generation, version, rules, status) VALUES ('sessions', 1, 1, '{}', 'active')`,
];
