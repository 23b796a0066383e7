import { applyDecorators, Injectable } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';

const Discoverable = DiscoveryService.createDecorator<Record<string, never>>();

/** The metadata key the projections module discovers projection providers by. */
export const LEDGER_PROJECTION_KEY = Discoverable.KEY;

/**
 * Marks a Nest provider as a projection (it implements `Projection`): the projections module finds
 * it with the DiscoveryService and hands it to the engine, which feeds it from the global log.
 */
export function LedgerProjection(): ClassDecorator {
  return applyDecorators(Injectable(), Discoverable({}));
}
