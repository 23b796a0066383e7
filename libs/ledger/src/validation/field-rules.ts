import { isEmail, registerDecorator } from 'class-validator';
import { IANAZone } from 'luxon';
import { PRODUCT_CODES, type Product } from '../../../domain/src/products.js';
import { INSTANT_RULE, parseInstant, utcInstant } from '../../../domain/src/time/instant.js';

/**
 * The field rules of the command schema (SPEC §3), as class-validator decorators.
 * A rule answers the broken rule as a message for humans ("must be an integer ≥ 1"), or
 * `undefined` when the value is fine; one rule per field, so each bad field gets one clear message.
 */
export type Rule = (value: unknown) => string | undefined;

/** What a rule accepts, as JSON Schema (for the OpenAPI description of command bodies). */
export interface FieldSchema {
  readonly type: 'string' | 'integer';
  readonly format?: 'date-time' | 'email';
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly enum?: readonly string[];
  readonly nullable?: boolean;
  readonly description?: string;
}

const RULE_SCHEMAS = new WeakMap<Rule, FieldSchema>();

function described(rule: Rule, schema: FieldSchema): Rule {
  RULE_SCHEMAS.set(rule, schema);
  return rule;
}

/** `required`: present and not null; `optional`: may be omitted; `nullable`: may be omitted or null. */
export type Presence = 'required' | 'optional' | 'nullable';

const MAX_QUANTITY = 1_000_000_000;
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;

function text(maxLength: number): Rule {
  return described(
    (value) => {
      if (typeof value !== 'string') return 'must be a string';
      if (value.trim() === '') return 'must not be empty';
      if (value.length > maxLength) return `must be at most ${maxLength} characters`;
      if (CONTROL_CHARACTERS.test(value)) return 'must not contain control characters';
      return undefined;
    },
    { type: 'string', minLength: 1, maxLength, description: 'no control characters' },
  );
}

export const id = text(128);
export const name = text(200);
export const action = text(100);
export const url = text(2048);
/** A webhook secret: any text up to 256 characters (it is stored encrypted, never shown again). */
export const secret = text(256);

export const finiteNumber: Rule = (value) => (typeof value === 'number' && Number.isFinite(value) ? undefined : 'must be a number');

const emailText = text(254);
export const email: Rule = described((value) => emailText(value) ?? (isEmail(value as string) ? undefined : 'must be a valid email address'), {
  type: 'string',
  format: 'email',
  maxLength: 254,
});

export function integer(min: number): Rule {
  return described(
    (value) => {
      if (typeof value !== 'number' || !Number.isInteger(value) || value < min) return `must be an integer ≥ ${min}`;
      if (value > MAX_QUANTITY) return `must be at most ${MAX_QUANTITY.toLocaleString('en-US')}`;
      return undefined;
    },
    { type: 'integer', minimum: min, maximum: MAX_QUANTITY },
  );
}

export function oneOf(allowed: readonly string[], what?: string): Rule {
  const expected = `must be one of ${allowed.join(', ')}${what ? ` (${what})` : ''}`;
  return described((value) => (typeof value === 'string' && allowed.includes(value) ? undefined : expected), {
    type: 'string',
    enum: allowed,
    description: what,
  });
}

export function productOf(products: readonly Product[] = PRODUCT_CODES, what?: string): Rule {
  return oneOf(products, what);
}

export const timezone: Rule = described(
  (value) => {
    if (typeof value !== 'string') return 'must be an IANA time zone name, e.g. America/New_York';
    return IANAZone.isValidZone(value) ? undefined : `'${value}' is not a valid IANA time zone (e.g. America/New_York)`;
  },
  { type: 'string', description: 'an IANA time zone, e.g. America/New_York' },
);

export const instant: Rule = described((value) => (parseInstant(value) === null ? INSTANT_RULE : undefined), {
  type: 'string',
  format: 'date-time',
  description: INSTANT_RULE,
});

function withPresence(rule: Rule, presence: Presence): Rule {
  return (value) => {
    if (value === undefined) return presence === 'required' ? 'is required' : undefined;
    if (value === null) {
      if (presence === 'nullable') return undefined;
      return presence === 'required' ? 'is required' : 'must not be null (omit the field instead)';
    }
    return rule(value);
  };
}

/** The declared fields of each DTO prototype: their rule and presence. */
const FIELDS = new WeakMap<object, Map<string, { rule: Rule; presence: Presence }>>();

/**
 * The fields a DTO class declares (its own and inherited), as JSON Schema: what the OpenAPI
 * description of a command body shows, from the same rules that check it.
 */
export function fieldSchemas(dto: abstract new () => object): { properties: Record<string, FieldSchema>; required: string[] } {
  const properties: Record<string, FieldSchema> = {};
  const required: string[] = [];
  for (let prototype: object | null = dto.prototype as object; prototype !== null; prototype = Object.getPrototypeOf(prototype) as object | null) {
    for (const [field, { rule, presence }] of FIELDS.get(prototype) ?? []) {
      if (field in properties) continue;
      const schema = RULE_SCHEMAS.get(rule) ?? { type: 'string' };
      properties[field] = presence === 'nullable' ? { ...schema, nullable: true } : schema;
      if (presence === 'required') required.push(field);
    }
  }
  return { properties, required };
}

/** Declares a command field and its rule. */
export function Field(rule: Rule, presence: Presence = 'required'): PropertyDecorator {
  const check = withPresence(rule, presence);
  return (target, propertyName) => {
    const fields = FIELDS.get(target) ?? new Map<string, { rule: Rule; presence: Presence }>();
    fields.set(propertyName as string, { rule, presence });
    FIELDS.set(target, fields);
    registerDecorator({
      name: 'commandField',
      target: target.constructor,
      propertyName: propertyName as string,
      validator: {
        validate: (value: unknown) => check(value) === undefined,
        defaultMessage: (args) => check(args?.value) ?? '',
      },
    });
  };
}

/** How a field's valid value is put in canonical form, per DTO prototype. */
const NORMALISERS = new WeakMap<object, Map<string, (value: string) => string>>();

/** An instant field: validated, then normalised to UTC by `normalisedFields`. */
export function InstantField(presence: Presence = 'required'): PropertyDecorator {
  const field = Field(instant, presence);
  return (target, propertyName) => {
    field(target, propertyName);
    const normalisers = NORMALISERS.get(target) ?? new Map<string, (value: string) => string>();
    normalisers.set(propertyName as string, (value) => utcInstant(value)!);
    NORMALISERS.set(target, normalisers);
  };
}

/** The fields of a validated DTO as a plain object, instants in UTC. */
export function normalisedFields(dto: object): Record<string, unknown> {
  const fields: Record<string, unknown> = { ...dto };
  for (let prototype = Object.getPrototypeOf(dto); prototype !== null; prototype = Object.getPrototypeOf(prototype)) {
    for (const [field, normalise] of NORMALISERS.get(prototype) ?? []) {
      if (typeof fields[field] === 'string') fields[field] = normalise(fields[field]);
    }
  }
  return fields;
}
