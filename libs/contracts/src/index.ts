/**
 * The bodies the HTTP API answers, as one set of types shared by the server (which returns them) and
 * the web console (which reads them with `import type`). Types only: nothing here runs.
 */
export type * from './series.js';
export type * from './capacity.js';
export type * from './tables.js';
export type * from './licenses.js';
export type * from './audit.js';
export type * from './operations.js';
export type * from './directory.js';
export type * from './commands.js';
export type * from './alerts.js';
