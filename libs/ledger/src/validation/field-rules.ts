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

/** `required`: present and not null; `optional`: may be omitted; `nullable`: may be omitted or null. */
export type Presence = 'required' | 'optional' | 'nullable';

const MAX_QUANTITY = 1_000_000_000;
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;

function text(maxLength: number): Rule {
  return (value) => {
    if (typeof value !== 'string') return 'must be a string';
    if (value.trim() === '') return 'must not be empty';
    if (value.length > maxLength) return `must be at most ${maxLength} characters`;
    if (CONTROL_CHARACTERS.test(value)) return 'must not contain control characters';
    return undefined;
  };
}

export const id = text(128);
export const name = text(200);
export const action = text(100);
export const url = text(2048);
/** A webhook secret: any text up to 256 characters (it is stored encrypted, never shown again). */
export const secret = text(256);

export const finiteNumber: Rule = (value) => (typeof value === 'number' && Number.isFinite(value) ? undefined : 'must be a number');

const emailText = text(254);
export const email: Rule = (value) =>
  emailText(value) ?? (isEmail(value as string) ? undefined : 'must be a valid email address');

export function integer(min: number): Rule {
  return (value) => {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min) return `must be an integer ≥ ${min}`;
    if (value > MAX_QUANTITY) return `must be at most ${MAX_QUANTITY.toLocaleString('en-US')}`;
    return undefined;
  };
}

export function oneOf(allowed: readonly string[], what?: string): Rule {
  const expected = `must be one of ${allowed.join(', ')}${what ? ` (${what})` : ''}`;
  return (value) => (typeof value === 'string' && allowed.includes(value) ? undefined : expected);
}

export function productOf(products: readonly Product[] = PRODUCT_CODES, what?: string): Rule {
  return oneOf(products, what);
}

export const timezone: Rule = (value) => {
  if (typeof value !== 'string') return 'must be an IANA time zone name, e.g. America/New_York';
  return IANAZone.isValidZone(value) ? undefined : `'${value}' is not a valid IANA time zone (e.g. America/New_York)`;
};

export const instant: Rule = (value) => (parseInstant(value) === null ? INSTANT_RULE : undefined);

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

/** Declares a command field and its rule. */
export function Field(rule: Rule, presence: Presence = 'required'): PropertyDecorator {
  const check = withPresence(rule, presence);
  return (target, propertyName) => {
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
