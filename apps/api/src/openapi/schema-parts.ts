import type { ReferenceObject, SchemaObject } from '@nestjs/swagger';
import { PRODUCT_CODES } from '../../../../libs/domain/src/products.js';

/** The building blocks of the API's JSON schemas (schemas.ts). */

export type Schema = SchemaObject | ReferenceObject;

/** Within the schemas themselves (a dangling one fails the generated-client test). */
export function component(name: string): ReferenceObject {
  return { $ref: `#/components/schemas/${name}` };
}

/** An object with exactly the properties of T; those in `optional` may be absent. */
export function object<T>(
  description: string,
  properties: { readonly [K in keyof T]-?: Schema },
  optional: readonly (keyof T & string)[] = [],
): SchemaObject {
  const names = Object.keys(properties);
  return {
    type: 'object',
    description,
    properties: properties as Record<string, Schema>,
    required: names.filter((n) => !optional.includes(n as keyof T & string)),
  };
}

/** An object with every property of the component `base` and those of `own` (allOf). */
export function extending(base: string, description: string, own: SchemaObject): SchemaObject {
  return { description, allOf: [component(base), own] };
}

export const text: SchemaObject = { type: 'string' };
export const nullableText: SchemaObject = { type: 'string', nullable: true };
export const instant: SchemaObject = { type: 'string', format: 'date-time' };
export const nullableInstant: SchemaObject = { type: 'string', format: 'date-time', nullable: true };
export const integer: SchemaObject = { type: 'integer' };
export const nullableInteger: SchemaObject = { type: 'integer', nullable: true };
export const number: SchemaObject = { type: 'number' };
export const boolean: SchemaObject = { type: 'boolean' };
export const position: SchemaObject = {
  type: 'string',
  nullable: true,
  description: 'A global log position, COMMIT/PREPARE; null for an empty log',
  example: '4052/8',
};
export const product: SchemaObject = { type: 'string', enum: [...PRODUCT_CODES] };
export const model: SchemaObject = { type: 'string', enum: ['seat', 'session', 'aut'] };
export const alertKind: SchemaObject = { type: 'string', enum: ['usage-threshold', 'denials', 'over-allocated', 'expiring'] };
export const anyObject: SchemaObject = { type: 'object', additionalProperties: true };
export const list = (items: Schema): SchemaObject => ({ type: 'array', items });
