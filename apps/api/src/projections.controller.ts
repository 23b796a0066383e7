import { ConflictException, Controller, Get, HttpCode, NotFoundException, Param, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
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
  async list(): Promise<{ projections: ProjectionStatus[] }> {
    return { projections: await this.engine.status() };
  }

  /** Starts rebuilding into a new generation in this process (the old one serves until the switch); answers its status. */
  @Post(':name/rebuild')
  @HttpCode(202)
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
