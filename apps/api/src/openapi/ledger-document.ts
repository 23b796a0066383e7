import type { OpenAPIObject, OperationObject, ResponseObject } from '@nestjs/swagger';
import { LEDGER_SCHEMAS, ref } from './schemas.js';

/** The security scheme of every `/v1` route: an opaque API key sent as a bearer token. */
export const API_KEY_SCHEME = 'api-key';

const PROBLEM = { 'application/problem+json': { schema: ref('ProblemDetails') } };
const RETRY_AFTER = { 'Retry-After': { description: 'Seconds to wait before trying again', schema: { type: 'integer' } } };

/** The errors any `/v1` route may answer (SPEC §6), as problem+json; routes declare their own besides (409…). */
const V1_ERRORS: Readonly<Record<string, ResponseObject>> = {
  400: { description: 'VALIDATION_FAILED: every bad field named in errors', content: PROBLEM },
  401: { description: 'UNAUTHENTICATED: no API key, or not a valid one', content: PROBLEM },
  403: { description: "FORBIDDEN: the key's role may not do this", content: PROBLEM },
  404: { description: "NOT_FOUND (also for another account's data)", content: PROBLEM },
  429: { description: 'RATE_LIMITED: the key sent more than its limit', headers: RETRY_AFTER, content: PROBLEM },
  500: { description: 'INTERNAL_ERROR', content: PROBLEM },
  503: { description: 'BUSY (too many history replays at once) or PROJECTION_NOT_READY', headers: RETRY_AFTER, content: PROBLEM },
};

/**
 * Completes the document Nest builds from the controllers: the body schemas (components), the
 * problem+json error answers of every route, and no security on the open routes (/health,
 * /metrics, the console).
 */
export function completeDocument(document: OpenAPIObject): OpenAPIObject {
  document.components = {
    ...document.components,
    schemas: { ...document.components?.schemas, ...LEDGER_SCHEMAS },
    securitySchemes: {
      ...document.components?.securitySchemes,
      [API_KEY_SCHEME]: {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'opaque',
        description: 'An API key (`ledger keys create`), sent as `Authorization: Bearer <token>`; opaque to clients',
      },
    },
  };
  for (const [path, item] of Object.entries(document.paths)) {
    const protectedPath = path === '/v1' || path.startsWith('/v1/');
    for (const method of ['get', 'put', 'post', 'patch', 'delete'] as const) {
      const operation: OperationObject | undefined = item[method];
      if (!operation) continue;
      if (!protectedPath) operation.security = [];
      const errors = protectedPath ? V1_ERRORS : { 500: V1_ERRORS[500]!, 503: V1_ERRORS[503]! };
      for (const [status, response] of Object.entries(errors)) {
        const declared = operation.responses[status] as ResponseObject | undefined;
        operation.responses[status] = declared ? { ...response, ...declared, content: declared.content ?? response.content } : response;
      }
      // Errors a route declares itself (409 and the rule codes…) are problem+json too.
      for (const [status, declared] of Object.entries(operation.responses)) {
        if (Number(status) >= 400 && declared && !('$ref' in declared) && declared.content === undefined) {
          operation.responses[status] = { ...declared, description: declared.description ?? '', content: PROBLEM };
        }
      }
    }
  }
  return document;
}
