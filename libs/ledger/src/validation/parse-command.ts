import { validateSync, type ValidationError } from 'class-validator';
import { DomainError, type FieldError } from '../../../domain/src/errors.js';
import type { ClientCommand } from '../command-gateway.js';
import { CLIENT_COMMAND_TYPES, COMMAND_DTOS, isClientCommandType } from './command-dtos.js';
import { normalisedFields } from './field-rules.js';

/**
 * Validates a command as sent by a client (HTTP body or NDJSON line) against the schema of
 * SPEC §3 and returns it with its instants normalised to UTC. Business rules (`at` in the future,
 * unknown ids…) are the domain's. Throws `VALIDATION_FAILED` naming every bad field.
 */
export function parseCommand(raw: unknown): ClientCommand {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw invalid('The command must be a JSON object', [{ path: '', message: `must be a JSON object, not ${describe(raw)}` }]);
  }
  const type = (raw as Record<string, unknown>).type;
  if (!isClientCommandType(type)) {
    const message =
      type === undefined
        ? `is required; expected one of ${CLIENT_COMMAND_TYPES.join(', ')}`
        : `unknown command type ${JSON.stringify(type)}; expected one of ${CLIENT_COMMAND_TYPES.join(', ')}`;
    throw invalid(`Invalid command: type ${message}`, [{ path: 'type', message }]);
  }

  const { dto, reservedKeys } = toDto(new COMMAND_DTOS[type](), raw as Record<string, unknown>);
  const errors = validateSync(dto, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true })
    .sort((a, b) => rank(a) - rank(b))
    .map((error) => fieldErrorOf(error, type));
  errors.push(...reservedKeys.map((path) => ({ path, message: `is not a field of ${type}` })));
  if (errors.length > 0) {
    throw invalid(`Invalid ${type} command: ${errors.map((e) => `${e.path} ${e.message}`).join('; ')}`, errors);
  }
  return normalisedFields(dto) as unknown as ClientCommand;
}

function invalid(detail: string, errors: FieldError[]): DomainError {
  return new DomainError('VALIDATION_FAILED', detail, errors);
}

/** Keys that assignment would not copy as data: they are reported as unknown fields instead. */
const RESERVED_KEYS = new Set(['__proto__', 'constructor']);

function toDto<T extends object>(dto: T, raw: Record<string, unknown>): { dto: T; reservedKeys: string[] } {
  const reservedKeys: string[] = [];
  for (const key of Object.keys(raw)) {
    if (RESERVED_KEYS.has(key)) reservedKeys.push(key);
    else (dto as Record<string, unknown>)[key] = raw[key];
  }
  return { dto, reservedKeys };
}

const COMMON_FIELDS = ['type', 'accountId', 'at', 'commandId'];

/** Common fields first, then the command's own, then unknown ones. */
function rank(error: ValidationError): number {
  if (error.constraints && 'whitelistValidation' in error.constraints) return 2;
  return COMMON_FIELDS.includes(error.property) ? 0 : 1;
}

function fieldErrorOf(error: ValidationError, type: string): FieldError {
  const constraints = error.constraints ?? {};
  const message = 'whitelistValidation' in constraints ? `is not a field of ${type}` : Object.values(constraints).join('; ');
  return { path: error.property, message };
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}
