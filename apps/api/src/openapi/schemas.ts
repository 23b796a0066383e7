import type { ReferenceObject, SchemaObject } from '@nestjs/swagger';
import { ALERT_SCHEMAS } from './alert-schemas.js';
import { LOG_SCHEMAS } from './log-schemas.js';
import { OPERATIONS_SCHEMAS } from './operations-schemas.js';
import { REPORT_SCHEMAS } from './report-schemas.js';
import { component } from './schema-parts.js';

/**
 * The JSON schemas of the bodies the API answers (OpenAPI components), written against the shared
 * contract types of libs/contracts: `object<T>` must name every property of T, so a field added to a
 * contract does not typecheck here until its schema is written too. By area: log-schemas.ts (errors,
 * commands, import, events), report-schemas.ts, operations-schemas.ts, alert-schemas.ts.
 */
const SCHEMAS = { ...LOG_SCHEMAS, ...REPORT_SCHEMAS, ...OPERATIONS_SCHEMAS, ...ALERT_SCHEMAS } satisfies Record<string, SchemaObject>;

export type SchemaName = keyof typeof SCHEMAS;

export const LEDGER_SCHEMAS: Readonly<Record<SchemaName, SchemaObject>> = SCHEMAS;

/** `#/components/schemas/NAME`. */
export function ref(name: SchemaName): ReferenceObject {
  return component(name);
}
