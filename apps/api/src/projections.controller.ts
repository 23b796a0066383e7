import { ConflictException, Controller, Get, HttpCode, NotFoundException, Param, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiConflictResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ref } from './openapi/schemas.js';
import { NewerGenerationError, UnknownProjectionError } from '../../../projections/engine/errors.js';
import { ProjectionEngine } from '../../../projections/engine/projection-engine.js';
import type { ProjectionStatus } from '../../../projections/engine/projection-status.js';

/** Ops: where each projection stands, and rebuilds (SPEC §5, §6). */
@ApiTags('ops')
@Controller('v1/projections')
export class ProjectionsController {
  constructor(private readonly engine: ProjectionEngine) {}

  /** Each projection's active (and building) generation: position, lag in events and seconds, events folded. */
  @Get()
  @ApiOperation({ summary: 'Each projection: version, generation, position, lag, events folded' })
  @ApiOkResponse({ description: 'Every projection', schema: ref('ProjectionsList') })
  async list(): Promise<{ projections: ProjectionStatus[] }> {
    return { projections: await this.engine.status() };
  }

  /**
   * Starts rebuilding every projection in this process, in one pass over the log (`ledger projections
   * rebuild` with no name); the old generations serve until each switches. Answers their statuses.
   */
  @Post('rebuild')
  @HttpCode(202)
  @ApiOperation({ summary: 'Start rebuilding every projection in one pass over the log; the old generations serve until each switches' })
  @ApiAcceptedResponse({ description: 'Every projection, building', schema: ref('ProjectionsList') })
  @ApiConflictResponse({ description: 'A newer generation of one of them is being built' })
  async rebuildAll(): Promise<{ projections: ProjectionStatus[] }> {
    try {
      return { projections: await this.engine.startRebuildTogether() };
    } catch (error) {
      if (error instanceof NewerGenerationError) throw new ConflictException(error.message);
      throw error;
    }
  }

  /** Starts rebuilding into a new generation in this process (the old one serves until the switch); answers its status. */
  @Post(':name/rebuild')
  @HttpCode(202)
  @ApiOperation({ summary: 'Start rebuilding a projection into a new generation; the old one serves until the switch' })
  @ApiAcceptedResponse({ description: 'The status of the projection, building', schema: ref('ProjectionStatus') })
  @ApiConflictResponse({ description: 'A newer generation is being built' })
  async rebuild(@Param('name') name: string): Promise<ProjectionStatus> {
    try {
      return await this.engine.startRebuild(name);
    } catch (error) {
      if (error instanceof UnknownProjectionError) throw new NotFoundException(error.message);
      if (error instanceof NewerGenerationError) throw new ConflictException(error.message);
      throw error;
    }
  }
}
