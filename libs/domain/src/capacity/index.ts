export * from './what-if-inputs.js';
export * from './what-if-replay.js';
export * from './what-if-recommendation.js';
export * from './demand.js';
export * from './denial-folding.js';
export * from './reclaim-policy.js';
export * from './trend.js';
export * from './idle-days.js';
