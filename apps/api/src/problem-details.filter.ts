import { Catch, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import type { ApiRequest } from './http-request.js';
import { PROBLEM_CONTENT_TYPE, retryAfterOf, toProblem } from './problem-details.js';

/** Answers every error as `application/problem+json`; unexpected ones are logged, never shown. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<ApiRequest>();
    const response = http.getResponse<ServerResponse>();
    const problem = toProblem(exception);
    if (problem.status === 500) {
      this.logger.error(`${request.method} ${request.originalUrl} failed`, exception instanceof Error ? exception.stack : String(exception));
    }
    if (response.headersSent) return;
    response.statusCode = problem.status;
    response.setHeader('Content-Type', `${PROBLEM_CONTENT_TYPE}; charset=utf-8`);
    const retryAfter = retryAfterOf(exception, problem.status);
    if (retryAfter !== undefined) response.setHeader('Retry-After', String(retryAfter));
    response.end(JSON.stringify(problem));
  }
}
