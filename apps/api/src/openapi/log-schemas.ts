import type { SchemaObject } from '@nestjs/swagger';
import type { CommandOutcome, EventView, EventsLogPage, FieldError, ProblemDetails, RecordedEvent } from '../../../../libs/contracts/src/index.js';
import type { ImportSummary, LineRejection } from '../../../../libs/ledger/src/import/ndjson-import.js';
import { anyObject, boolean, component, instant, integer, list, nullableText, object, position, text } from './schema-parts.js';

/** Errors, what a command or an import answers, and the events log (SPEC §3, §5, §6). */
export const LOG_SCHEMAS = {
  FieldError: object<FieldError>('One bad field: its path and the rule it broke', { path: text, message: text }),
  ProblemDetails: object<ProblemDetails>(
    "An error (RFC 9457, application/problem+json) with the ledger's code (SPEC §6)",
    {
      type: text,
      title: text,
      status: integer,
      detail: text,
      code: {
        type: 'string',
        description: 'VALIDATION_FAILED, UNAUTHENTICATED, FORBIDDEN, NOT_FOUND, a rule code of SPEC §3, RATE_LIMITED, BUSY, PROJECTION_NOT_READY…',
      },
      errors: list(component('FieldError')),
    },
    ['errors'],
  ),
  RecordedEvent: object<RecordedEvent>('An event a command appended', { type: text, streamRevision: text, data: anyObject, occurredAt: instant }),
  CommandOutcome: object<CommandOutcome>('What a command answers', {
    type: text,
    accountId: text,
    commandId: nullableText,
    duplicate: boolean,
    events: list(component('RecordedEvent')),
    position,
  }),
  LineRejection: object<LineRejection>('A rejected line of an import', { line: integer, code: text, message: text }),
  ImportSummary: object<ImportSummary>('The summary of an import (SPEC §6)', {
    accepted: integer,
    rejected: integer,
    errors: list(component('LineRejection')),
  }),
  EventView: object<EventView>('An event of the log, with its metadata (SPEC §3)', {
    position: text,
    streamId: text,
    streamRevision: text,
    type: text,
    eventId: text,
    data: anyObject,
    metadata: {
      type: 'object',
      required: ['commandId', 'correlationId', 'causationId', 'actor', 'occurredAt', 'recordedAt', 'schemaVersion'],
      properties: {
        commandId: nullableText,
        correlationId: text,
        causationId: nullableText,
        actor: text,
        occurredAt: instant,
        recordedAt: instant,
        schemaVersion: integer,
      },
    },
  }),
  EventsLogPage: object<EventsLogPage>("A page of the account's events (SPEC §5)", {
    accountId: text,
    untilPosition: position,
    events: list(component('EventView')),
    nextAfter: nullableText,
  }),
} satisfies Record<string, SchemaObject>;
