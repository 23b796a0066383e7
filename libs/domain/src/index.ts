export * from './products.js';
export * from './errors.js';
export * from './commands.js';
export * from './events.js';
export * from './state.js';
export * from './pools.js';
export * from './decide.js';
export * from './time/index.js';
