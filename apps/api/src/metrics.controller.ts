import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { LedgerMetrics } from '../../../libs/ledger/src/ledger-metrics.js';
import { ProjectionEngine } from '../../../projections/engine/projection-engine.js';
import { ProjectionGauges } from './projection-gauges.js';

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** `GET /metrics` (no key): Prometheus text exposition of the write side and the projections. */
@ApiTags('ops')
@Controller('metrics')
export class MetricsController {
  readonly #projections: ProjectionGauges;

  constructor(
    private readonly metrics: LedgerMetrics,
    private readonly engine: ProjectionEngine,
  ) {
    this.#projections = new ProjectionGauges(metrics.registry);
  }

  @Get()
  @Header('Content-Type', PROMETHEUS_CONTENT_TYPE)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Prometheus metrics: appends, append latency, commands, projection position, lag and rebuild progress' })
  @ApiOkResponse({ description: 'Prometheus text exposition', content: { 'text/plain': { schema: { type: 'string' } } } })
  async scrape(): Promise<string> {
    // The write side's metrics are worth a scrape even when the database does not answer.
    await this.engine.status().then(
      (statuses) => this.#projections.update(statuses),
      () => this.#projections.unreadable(),
    );
    return this.metrics.registry.metrics();
  }
}
