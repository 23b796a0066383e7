import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import compression from 'compression';
import type { Registry } from 'prom-client';
import type { ServiceConfig } from '../../../libs/ledger/src/config.js';
import type { Logger } from '../../../libs/observability/src/logger.js';
import { JSON_BODY_LIMIT_BYTES } from './body-limits.js';
import { httpMetrics, requestIds, requestLog } from './http-observability.js';
import { API_KEY_SCHEME, completeDocument } from './openapi/ledger-document.js';
import { ProblemDetailsFilter } from './problem-details.filter.js';

/** Answers smaller than this are sent as they are: compressing them saves nothing. */
const COMPRESSION_THRESHOLD_BYTES = 1024;

export interface ConfigureAppOptions {
  /** `HTTP_COMPRESSION` and the other service settings (default: compression on). */
  readonly service?: Pick<ServiceConfig, 'compression'>;
  /** One log line per request (none without). */
  readonly log?: Logger;
  /** Where the HTTP metrics go (the registry of GET /metrics; none without). */
  readonly metrics?: Registry;
}

/**
 * Request ids, request logs, HTTP metrics, compression, body parsing, problem+json errors and OpenAPI
 * at /docs: the same for the real app and tests.
 */
export function configureApp(app: NestExpressApplication, options: ConfigureAppOptions = {}): NestExpressApplication {
  app.disable('x-powered-by');
  app.use(requestIds());
  if (options.log) app.use(requestLog(options.log));
  if (options.metrics) app.use(httpMetrics(options.metrics));
  if (options.service?.compression ?? true) app.use(compression({ threshold: COMPRESSION_THRESHOLD_BYTES }));
  // NDJSON import reads its body as a stream (see ImportController): only JSON is parsed up front.
  app.useBodyParser('json', { limit: JSON_BODY_LIMIT_BYTES, type: ['application/json', 'application/*+json'] });
  app.useGlobalFilters(new ProblemDetailsFilter());
  const document = new DocumentBuilder()
    .setTitle('License Ledger')
    .setDescription('An event-sourced ledger of software licenses. Errors are application/problem+json.')
    .setVersion('1')
    .addSecurityRequirements(API_KEY_SCHEME)
    .build();
  SwaggerModule.setup('docs', app, () => completeDocument(SwaggerModule.createDocument(app, document)));
  return app;
}
