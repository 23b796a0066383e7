export * from './zone.js';
export * from './span.js';
export * from './boundaries.js';
export * from './report-window.js';
export * from './buckets.js';
export * from './sub-buckets.js';
export * from './instant.js';
