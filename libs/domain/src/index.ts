export * from './products.js';
export * from './errors.js';
export * from './commands.js';
