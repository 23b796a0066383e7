export { sessionsReport, sessionsTable, SESSION_COLUMNS, SESSION_STATUSES, SESSION_TABLE_PRODUCTS } from './sessions-table.js';
export { sessionUsageReport, sessionUsage, sessionConcurrency } from './session-usage.js';
export { autUsageReport, autUsage } from './aut-usage.js';
export { peaksPerSubBucket, type ConcurrencySource } from './concurrency.js';
