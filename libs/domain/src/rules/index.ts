/** Every rule of SPEC §1–§4, once (docs/architecture.md lists where each is called). */
export * from './units.js';
export * from './lease.js';
export * from './purchases.js';
export * from './scopes.js';
export * from './pool-math.js';
export * from './latest-record.js';
export * from './peak-sweep.js';
