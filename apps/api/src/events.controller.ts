import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { ServerResponse } from 'node:http';
import { parseEventsLogRequest } from '../../../libs/audit/src/events-log-request.js';
import { exportEventLines, readEventsPage, type EventsLogPage } from '../../../libs/audit/src/events-log.js';
import { DomainError } from '../../../libs/domain/src/errors.js';
import type { EventStore } from '../../../libs/event-store/src/event-store.js';
import { EVENT_STORE } from '../../../libs/platform/src/tokens.js';
import { ref } from './openapi/schemas.js';

export const NDJSON_CONTENT_TYPE = 'application/x-ndjson; charset=utf-8';

/** The raw log of an account (SPEC §5 "Events"): pages as JSON, or a stamped NDJSON export. */
@ApiTags('audit')
@Controller('v1/accounts/:accountId/events')
export class EventsController {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  @Get()
  @ApiOperation({
    summary: "The account's events in log order, with their metadata, paged by position",
    description:
      'after (exclusive COMMIT/PREPARE cursor: nextAfter of the previous page), limit (default 100, ≤ 1000), ' +
      "type (comma-separated event types), stream (the account's own, account-<id>), from/to (ISO instants on occurredAt, " +
      'to exclusive), until (a position: regenerates an earlier answer exactly). format=ndjson: every matching event, ' +
      'one per line, after a first line {accountId, untilPosition}.',
  })
  @ApiQuery({ name: 'format', required: false, enum: ['json', 'ndjson'] })
  @ApiQuery({ name: 'after', required: false, description: 'Exclusive cursor: nextAfter of the previous page' })
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } })
  @ApiQuery({ name: 'type', required: false, description: 'Comma-separated event types' })
  @ApiQuery({ name: 'stream', required: false, description: 'account-<id>' })
  @ApiQuery({ name: 'from', required: false, schema: { type: 'string', format: 'date-time' } })
  @ApiQuery({ name: 'to', required: false, schema: { type: 'string', format: 'date-time' } })
  @ApiQuery({ name: 'until', required: false, description: 'A position: regenerates an earlier answer exactly' })
  @ApiOkResponse({
    description: 'A page of events (JSON), or with format=ndjson every matching event a line after a stamp line',
    content: {
      'application/json': { schema: ref('EventsLogPage') },
      'application/x-ndjson': { schema: { type: 'string' } },
    },
  })
  async events(@Param('accountId') accountId: string, @Query() query: Record<string, unknown>, @Res() response: ServerResponse): Promise<void> {
    const { format, ...parameters } = query;
    if (format !== undefined && format !== 'json' && format !== 'ndjson') {
      throw new DomainError('VALIDATION_FAILED', 'format: must be json or ndjson', [{ path: 'format', message: 'must be json or ndjson' }]);
    }
    const request = parseEventsLogRequest(accountId, parameters, { paged: format !== 'ndjson' });
    if (format !== 'ndjson') {
      const page: EventsLogPage = await readEventsPage(this.store, request);
      response.setHeader('Content-Type', 'application/json; charset=utf-8');
      response.end(JSON.stringify(page));
      return;
    }

    response.setHeader('Content-Type', NDJSON_CONTENT_TYPE);
    try {
      for await (const line of exportEventLines(this.store, request)) {
        if (!response.write(line)) await drainedOrClosed(response);
        if (response.destroyed) return;
      }
    } catch (error) {
      if (!response.headersSent) throw error;
      // The status line is gone: cut the connection so that a truncated export cannot pass for a whole one.
      response.destroy(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    response.end();
  }
}

function drainedOrClosed(response: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      response.off('drain', done);
      response.off('close', done);
      resolve();
    };
    response.once('drain', done);
    response.once('close', done);
  });
}
