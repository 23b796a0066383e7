import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { ServerResponse } from 'node:http';
import { DomainError, type FieldError } from '../../../libs/domain/src/errors.js';
import type { LicenseListPage } from '../../../libs/contracts/src/licenses.js';
import { LICENSE_LISTS } from '../../../libs/report-contract/src/license-lists.js';
import { LICENSE_LIST_NAMES } from '../../../libs/report-contract/src/licenses-request.js';
import { CSV_CONTENT_TYPE, toCsv } from '../../../libs/reports/src/csv.js';
import type { LicensesOverview } from '../../../libs/reports/src/licenses/licenses-overview.js';
import { ReplaysHistory } from './limits/replay-admission.js';
import { LicenseListQuery, LicensesOverviewQuery } from '../../../libs/reports/src/reports.service.js';
import { ref } from './openapi/schemas.js';
import { withoutAccountId } from './query-parameters.js';
import { reportFormat, type ReportFormat } from './reports.controller.js';

const asOfQuery = {
  name: 'asOf',
  required: false,
  description: 'ISO-8601 instant, not after now: the overview as the ledger stood then, replayed from the events',
} as const;

/** The list route's format, refusing in one answer a bad format and a product or list given in the query too. */
function transportOf(format: unknown, parameters: Record<string, unknown>): ReportFormat {
  const errors: FieldError[] = ['product', 'list']
    .filter((name) => parameters[name] !== undefined)
    .map((path) => ({ path, message: 'is taken from the path, not the query' }));
  let wanted: ReportFormat = 'json';
  try {
    wanted = reportFormat(format);
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    errors.push(...error.errors);
  }
  if (errors.length > 0) throw new DomainError('VALIDATION_FAILED', errors.map((e) => `${e.path}: ${e.message}`).join('; '), errors);
  return wanted;
}

/** The license overview of SPEC §4.7: Dedicated / Pool / Available per scope, per product; and its lists, paged. */
@ApiTags('reports')
@Controller('v1/accounts/:accountId/licenses')
export class LicensesOverviewController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @ReplaysHistory((request) => request.query?.asOf !== undefined)
  @ApiOperation({ summary: 'License overview: purchased, dedicated, pool, used, available, offline per scope; machines; licensed users' })
  @ApiQuery({ name: 'product', required: false })
  @ApiQuery({ name: 'orgId', required: false })
  @ApiQuery(asOfQuery)
  @ApiQuery({
    name: 'listLimit',
    required: false,
    schema: { type: 'integer', minimum: 0, maximum: 1000 },
    description:
      'Only the first listLimit rows of each list, and listTotals per product (absent: every list whole). ' +
      'The rest of a list: GET …/licenses/{product}/{list}.',
  })
  @ApiOkResponse({ description: 'The licenses body of SPEC §6', schema: ref('LicensesOverview') })
  overview(@Param('accountId') accountId: string, @Query() query: Record<string, unknown>): Promise<LicensesOverview> {
    return this.queries.execute(new LicensesOverviewQuery({ ...query, accountId }));
  }

  @Get(':product/:list')
  @ReplaysHistory((request) => request.query?.asOf !== undefined)
  @ApiOperation({
    summary: 'One list of the license overview, paged: licensed users, online licenses, offline licenses or registered machines',
    description:
      'The rows the overview lists for the same product, orgId and asOf, in the same order, filtered by q ' +
      '(case-insensitive, in ids, names and emails). format=csv answers text/csv with every page.',
  })
  @ApiParam({ name: 'product', description: 'The product, e.g. KSE' })
  @ApiParam({ name: 'list', enum: [...LICENSE_LIST_NAMES] })
  @ApiQuery({ name: 'orgId', required: false, description: 'Holders in that organization and its descendants' })
  @ApiQuery(asOfQuery)
  @ApiQuery({ name: 'q', required: false, description: 'Text to find' })
  @ApiQuery({ name: 'page', required: false, schema: { type: 'integer', minimum: 1 } })
  @ApiQuery({ name: 'pageSize', required: false, schema: { type: 'integer', minimum: 1, maximum: 1000 } })
  @ApiQuery({ name: 'format', required: false, enum: ['json', 'csv'] })
  @ApiOkResponse({
    description: 'One page of the list, or CSV with format=csv',
    content: {
      'application/json': { schema: ref('LicenseListPage') },
      'text/csv': { schema: { type: 'string' } },
    },
  })
  async list(
    @Param('accountId') accountId: string,
    @Param('product') product: string,
    @Param('list') list: string,
    @Query() query: Record<string, unknown>,
    @Res({ passthrough: true }) response: ServerResponse,
  ): Promise<LicenseListPage | string> {
    const { format, ...parameters } = withoutAccountId(query);
    const wanted = transportOf(format, parameters);
    const body: LicenseListPage = await this.queries.execute(
      new LicenseListQuery({ ...parameters, accountId, product, list }, { allRows: wanted === 'csv' }),
    );
    if (wanted === 'json') return body;
    response.setHeader('Content-Type', CSV_CONTENT_TYPE);
    response.setHeader('Content-Disposition', `attachment; filename="${body.list}-${body.product}.csv"`);
    return toCsv(body, { shape: 'table', columns: LICENSE_LISTS[body.list].columns });
  }
}
