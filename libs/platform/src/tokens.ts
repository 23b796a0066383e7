/**
 * Nest injection tokens of the infrastructure both sides share, provided by PlatformModule:
 * the configuration (LedgerConfig), the SQL database (LedgerDatabase) and the event store (EventStore).
 * The clock is injected by its class, `Clock`.
 */
export const LEDGER_CONFIG = 'LEDGER_CONFIG';
export const LEDGER_DATABASE = 'LEDGER_DATABASE';
export const EVENT_STORE = 'EVENT_STORE';
