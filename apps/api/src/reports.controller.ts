import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { QueryBus } from '@nestjs/cqrs';
import type { ServerResponse } from 'node:http';
import { DomainError } from '../../../libs/domain/src/errors.js';
import { CSV_CONTENT_TYPE, toCsv } from '../../../libs/reports/src/csv.js';
import type { SeriesBody, TableBody } from '../../../libs/reports/src/report-definition.js';
import { REPORTS } from '../../../libs/reports/src/catalog.js';
import { ReplaysHistory, type ReplayPredicate } from './limits/replay-admission.js';
import { RunReportQuery } from '../../../libs/reports/src/reports.service.js';
import { ref } from './openapi/schemas.js';

export type ReportFormat = 'json' | 'csv';

/** `format` is the transport's: json (default) or csv; the rest are the report's parameters. */
export function reportFormat(value: unknown): ReportFormat {
  if (value === undefined || value === 'json') return 'json';
  if (value === 'csv') return 'csv';
  throw new DomainError('VALIDATION_FAILED', `format: must be json or csv`, [{ path: 'format', message: 'must be json or csv' }]);
}

/** As of an instant, or a report that replays the history (what-if, back-tests): admitted up to REPLAY_CONCURRENCY. */
function replaysHistory(request: Parameters<ReplayPredicate>[0]): boolean {
  const name = (request as { params?: Record<string, string> }).params?.name;
  return request.query?.asOf !== undefined || REPORTS.some((report) => report.name === name && report.replaysHistory === true);
}

/** Reports of SPEC §4: JSON bodies of SPEC §6, or CSV (every page) with `format=csv`. */
@ApiTags('reports')
@Controller('v1/accounts/:accountId/reports')
export class ReportsController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':name')
  @ReplaysHistory(replaysHistory)
  @ApiOperation({
    summary: 'A report (seat-history, assignments, seat-usage, sessions, session-usage, aut-usage)',
    description:
      'Bucket series: from, to (local dates, to inclusive), interval hour|day|week|month, groupBy=org. ' +
      'Tables: q, licenseSource, status, sort (-column for descending), page, pageSize (≤ 1000). ' +
      'format=csv answers text/csv with every page. Unknown parameters are refused (400). ' +
      'seat-history and assignments take asOf (ISO-8601 instant, not after now): the report as the ledger stood then, replayed from the events.',
  })
  @ApiParam({ name: 'name', description: 'The report' })
  @ApiQuery({ name: 'format', required: false, enum: ['json', 'csv'] })
  @ApiQuery({ name: 'product', required: false, description: 'The product (required by most reports)' })
  @ApiQuery({ name: 'orgId', required: false, description: 'That organization and its descendants' })
  @ApiQuery({ name: 'from', required: false, schema: { type: 'string', format: 'date' }, description: 'Series: first local date' })
  @ApiQuery({ name: 'to', required: false, schema: { type: 'string', format: 'date' }, description: 'Series: last local date, inclusive' })
  @ApiQuery({ name: 'interval', required: false, enum: ['hour', 'day', 'week', 'month'] })
  @ApiQuery({ name: 'groupBy', required: false, enum: ['org'] })
  @ApiQuery({ name: 'q', required: false, description: 'Tables: text to find' })
  @ApiQuery({ name: 'licenseSource', required: false, description: 'Tables: an orgId or "account"' })
  @ApiQuery({ name: 'status', required: false, enum: ['active', 'ended', 'expired'] })
  @ApiQuery({ name: 'sort', required: false, description: 'Tables: a column, -column for descending' })
  @ApiQuery({ name: 'page', required: false, schema: { type: 'integer', minimum: 1 } })
  @ApiQuery({ name: 'pageSize', required: false, schema: { type: 'integer', minimum: 1, maximum: 1000 } })
  @ApiQuery({
    name: 'asOf',
    required: false,
    schema: { type: 'string', format: 'date-time' },
    description: 'seat-history, assignments: as the ledger stood then',
  })
  @ApiOkResponse({
    description: 'The report body (SPEC §6), or CSV with format=csv',
    content: {
      'application/json': { schema: ref('ReportBody') },
      'text/csv': { schema: { type: 'string' } },
    },
  })
  async report(
    @Param('accountId') accountId: string,
    @Param('name') name: string,
    @Query() query: Record<string, unknown>,
    @Res({ passthrough: true }) response: ServerResponse,
  ): Promise<SeriesBody | TableBody | string> {
    const { format, accountId: queryAccountId, ...parameters } = query;
    const wanted = reportFormat(format);
    if (queryAccountId !== undefined) {
      throw new DomainError('VALIDATION_FAILED', 'accountId: is taken from the path', [
        { path: 'accountId', message: 'is taken from the path, not the query' },
      ]);
    }
    const { definition, body } = await this.queries.execute(new RunReportQuery(name, { ...parameters, accountId }, { allRows: wanted === 'csv' }));
    if (wanted === 'json') return body;
    response.setHeader('Content-Type', CSV_CONTENT_TYPE);
    response.setHeader('Content-Disposition', `attachment; filename="${definition.name}.csv"`);
    return toCsv(body, definition);
  }
}
