import { Controller, HttpCode, Inject, Optional, Post, Req, UnsupportedMediaTypeException } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DomainError } from '../../../libs/domain/src/errors.js';
import { CommandGateway } from '../../../libs/ledger/src/command-gateway.js';
import { serviceConfig, type LedgerConfig } from '../../../libs/platform/src/config.js';
import { LEDGER_CONFIG } from '../../../libs/platform/src/tokens.js';
import { applyInChunks, malformedLineErrors, parseNdjson, splitLines, type ImportSummary } from '../../../libs/ledger/src/import/ndjson-import.js';
import { commandContextOf } from './actor.js';
import { authenticatedKeyOf } from './auth/authenticated-key.js';
import { authorizeImportLines } from './auth/import-authorization.js';
import { limitBytes, NDJSON_BODY_LIMIT_BYTES, tooLarge } from './body-limits.js';
import type { ApiRequest } from './http-request.js';
import { ref } from './openapi/schemas.js';

export const NDJSON_CONTENT_TYPE = 'application/x-ndjson';

/** Bulk import, the same as `ledger import` (SPEC §6). */
@ApiTags('import')
@Controller('v1/import')
export class ImportController {
  readonly #maxLineBytes: number;

  constructor(
    private readonly gateway: CommandGateway,
    @Optional() @Inject(LEDGER_CONFIG) config?: LedgerConfig,
  ) {
    this.#maxLineBytes = serviceConfig(config ?? {}).importMaxLineBytes;
  }

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Import NDJSON commands',
    description:
      'One command per line, validated as a whole first (any malformed line: 400, nothing applied), ' +
      'then applied in order; rejections are reported per line in the summary. A line longer than IMPORT_MAX_LINE_BYTES ' +
      '(default 1 MiB): 400 naming the line, nothing applied.',
  })
  @ApiConsumes(NDJSON_CONTENT_TYPE)
  @ApiBody({ schema: { type: 'string', description: 'One command a line (SPEC §3)' } })
  @ApiOkResponse({ description: 'Applied: the summary, rejections per line', schema: ref('ImportSummary') })
  async import(@Req() request: ApiRequest): Promise<ImportSummary> {
    const contentType = request.headers['content-type']?.split(';')[0].trim().toLowerCase();
    if (contentType !== NDJSON_CONTENT_TYPE) {
      throw new UnsupportedMediaTypeException(`POST /v1/import takes ${NDJSON_CONTENT_TYPE}, not ${contentType ?? 'an untyped body'}`);
    }
    if (Number(request.headers['content-length'] ?? 0) > NDJSON_BODY_LIMIT_BYTES) throw tooLarge(NDJSON_BODY_LIMIT_BYTES);

    const { commands, malformed } = await parseNdjson(splitLines(limitBytes(request, NDJSON_BODY_LIMIT_BYTES), this.#maxLineBytes));
    // Every line is authorized before anything is applied (SPEC §6): one the key may not send → 403, nothing applied.
    authorizeImportLines(authenticatedKeyOf(request), commands);
    if (malformed.length > 0) {
      throw new DomainError('VALIDATION_FAILED', `${malformed.length} malformed line(s); nothing was imported`, malformedLineErrors(malformed));
    }
    return applyInChunks(this.gateway, commands, commands.length, commandContextOf(request));
  }
}
