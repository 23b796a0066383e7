import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { ServerResponse } from 'node:http';
import type { EventStore } from '../../../libs/event-store/src/event-store.js';
import { EVENT_STORE, LEDGER_DATABASE } from '../../../libs/platform/src/tokens.js';
import type { LedgerDatabase } from '../../../libs/database/src/database.js';
import { ProjectionEngine } from '../../../projections/engine/projection-engine.js';
import { checkHealth, type Health } from './health-check.js';
import { ref } from './openapi/schemas.js';

/** `GET /health` (no key): whether this instance can serve, for load balancers and probes. */
@ApiTags('ops')
@Controller('health')
export class HealthController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(LEDGER_DATABASE) private readonly db: LedgerDatabase,
    private readonly engine: ProjectionEngine,
  ) {}

  @Get()
  @ApiOperation({ summary: "Event store and database reachable; each projection's state, position and lag" })
  @ApiOkResponse({ description: 'The event store and the database answer', schema: ref('Health') })
  @ApiServiceUnavailableResponse({ description: 'The event store or the database did not answer', schema: ref('Health') })
  async health(@Res({ passthrough: true }) response: ServerResponse): Promise<Health> {
    const health = await checkHealth({ store: this.store, db: this.db, engine: this.engine });
    response.statusCode = health.status === 'ok' ? 200 : 503;
    response.setHeader('Cache-Control', 'no-store');
    return health;
  }
}
