import { ProjectionReader as EngineProjectionReader } from '../../../projections/engine/projection-reader.js';

/**
 * The DI token reports read projections through: the engine's ProjectionReader class, which the
 * projections module provides (the `ProjectionReader` contract of projections/projection.ts).
 * One place to change if the engine ever provides it under another token.
 */
export const PROJECTION_READER = EngineProjectionReader;
