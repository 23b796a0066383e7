import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { JSON_BODY_LIMIT_BYTES } from './body-limits.js';
import { ProblemDetailsFilter } from './problem-details.filter.js';

/** Body parsing, problem+json errors and OpenAPI at /docs: the same for the real app and tests. */
export function configureApp(app: NestExpressApplication): NestExpressApplication {
  app.disable('x-powered-by');
  // NDJSON import reads its body as a stream (see ImportController): only JSON is parsed up front.
  app.useBodyParser('json', { limit: JSON_BODY_LIMIT_BYTES, type: ['application/json', 'application/*+json'] });
  app.useGlobalFilters(new ProblemDetailsFilter());
  const document = new DocumentBuilder()
    .setTitle('License Ledger')
    .setDescription('An event-sourced ledger of software licenses. Errors are application/problem+json.')
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'An API key, llk_<keyId>_<secret> (ledger keys create)' }, 'api-key')
    .addSecurityRequirements('api-key')
    .build();
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, document));
  return app;
}
