import type { ReferenceObject, SchemaObject } from '@nestjs/swagger';
import type {
  AccountDirectory,
  AlertExplanation,
  AlertRulesBody,
  AlertRuleView,
  AlertsBody,
  AlertView,
  AssignmentRow,
  CommandOutcome,
  DeliveriesBody,
  DeliveryAttemptView,
  DeliveryView,
  WebhooksBody,
  WebhookView,
  DirectoryOrganization,
  DirectoryProduct,
  DirectoryUser,
  EventsLogPage,
  EventView,
  FieldError,
  Health,
  KeyInfo,
  LicensedUser,
  LicensesExplanation,
  LicensesOverview,
  OfflineLicense,
  OnlineLicense,
  ProblemDetails,
  ProductOverview,
  ProjectionHealth,
  ProjectionsList,
  ProjectionStatus,
  RecordedEvent,
  RegisteredMachine,
  ScopeLine,
  SeriesBody,
  SeriesExplanation,
  SeriesGroup,
  SessionRow,
  TableBody,
  UsersPage,
} from '../../../../libs/contracts/src/index.js';
import type { ImportSummary, LineRejection } from '../../../../libs/ledger/src/import/ndjson-import.js';
import { PRODUCT_CODES } from '../../../../libs/domain/src/products.js';

/**
 * The JSON schemas of the bodies the API answers (OpenAPI components), written against the shared
 * contract types of libs/contracts: `object<T>` must name every property of T, so a field added to a
 * contract does not typecheck here until its schema is written too.
 */

type Schema = SchemaObject | ReferenceObject;

/** `#/components/schemas/NAME`. */
export function ref(name: SchemaName): ReferenceObject {
  return component(name);
}

/** Within the schemas themselves (a dangling one fails the generated-client test). */
function component(name: string): ReferenceObject {
  return { $ref: `#/components/schemas/${name}` };
}

/** An object with exactly the properties of T; those in `optional` may be absent. */
function object<T>(
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

const text: SchemaObject = { type: 'string' };
const nullableText: SchemaObject = { type: 'string', nullable: true };
const instant: SchemaObject = { type: 'string', format: 'date-time' };
const nullableInstant: SchemaObject = { type: 'string', format: 'date-time', nullable: true };
const integer: SchemaObject = { type: 'integer' };
const nullableInteger: SchemaObject = { type: 'integer', nullable: true };
const number: SchemaObject = { type: 'number' };
const boolean: SchemaObject = { type: 'boolean' };
const position: SchemaObject = {
  type: 'string',
  nullable: true,
  description: 'A global log position, COMMIT/PREPARE; null for an empty log',
  example: '4052/8',
};
const product: SchemaObject = { type: 'string', enum: [...PRODUCT_CODES] };
const model: SchemaObject = { type: 'string', enum: ['seat', 'session', 'aut'] };
const alertKind: SchemaObject = { type: 'string', enum: ['usage-threshold', 'denials', 'over-allocated', 'expiring'] };
const anyObject: SchemaObject = { type: 'object', additionalProperties: true };
const list = (items: Schema): SchemaObject => ({ type: 'array', items });

const SCHEMAS = {
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

  SeriesBucket: {
    type: 'object',
    description: "One bucket: its start and end (ISO instants with the zone's offset) and the report's metrics (SPEC §4)",
    properties: { start: text, end: text },
    required: ['start', 'end'],
    additionalProperties: { oneOf: [number, text] },
  },
  SeriesGroup: object<SeriesGroup>('groupBy=org: the series of one direct child organization', {
    orgId: text,
    name: text,
    buckets: list(component('SeriesBucket')),
  }),
  SeriesBody: object<SeriesBody>(
    'A bucket-series report body (SPEC §6): buckets, or series with groupBy=org',
    {
      report: text,
      accountId: text,
      product: text,
      orgId: nullableText,
      interval: { type: 'string', enum: ['hour', 'day', 'week', 'month'] },
      timezone: text,
      from: { type: 'string', format: 'date' },
      to: { type: 'string', format: 'date' },
      asOfPosition: position,
      buckets: list(component('SeriesBucket')),
      series: list(component('SeriesGroup')),
    },
    ['buckets', 'series'],
  ),
  AssignmentRow: object<AssignmentRow>('A row of assignments (SPEC §4.2)', {
    userId: text,
    user: text,
    email: text,
    licenseSource: text,
    organization: text,
    projects: list(text),
    lastAssignment: instant,
    lastActiveUse: nullableInstant,
    activated: boolean,
  }),
  SessionRow: object<SessionRow>('A row of sessions (SPEC §4.4)', {
    sessionId: text,
    userId: text,
    user: text,
    email: text,
    machineId: text,
    licenseSource: text,
    organization: text,
    licenseType: text,
    started: instant,
    ended: nullableInstant,
    durationSeconds: integer,
    status: { type: 'string', enum: ['active', 'ended', 'expired'] },
  }),
  TableBody: object<TableBody>(
    'A table report body (SPEC §6)',
    {
      report: text,
      accountId: text,
      product: nullableText,
      total: integer,
      page: integer,
      pageSize: integer,
      asOfPosition: position,
      timezone: text,
      rows: list({ type: 'object', additionalProperties: true, description: 'An AssignmentRow, a SessionRow, or a row of another table report' }),
    },
    ['timezone'],
  ),
  ReportBody: { oneOf: [component('SeriesBody'), component('TableBody')], description: 'A bucket series (buckets or series) or a table (rows)' },

  ScopeLine: object<ScopeLine>('Dedicated / Pool / Available of one scope (SPEC §1)', {
    scope: { type: 'string', description: '"account" or an orgId' },
    name: text,
    dedicated: integer,
    pool: integer,
    used: integer,
    available: integer,
    offline: integer,
  }),
  LicensedUser: object<LicensedUser>('A user holding a unit', {
    userId: text,
    name: text,
    email: text,
    licenseSource: text,
    licenseSourceName: text,
  }),
  OnlineLicense: object<OnlineLicense>('A machine with an open session', {
    machineId: text,
    userId: text,
    sessionId: text,
    startedAt: instant,
    lastSeenAt: instant,
  }),
  OfflineLicense: object<OfflineLicense>('An offline license', {
    userId: text,
    machineId: text,
    expiresAt: instant,
    unexpired: boolean,
    licenseSource: text,
  }),
  RegisteredMachine: object<RegisteredMachine>('A registered machine', { machineId: text, userId: text, registeredAt: instant }),
  ProductOverview: object<ProductOverview>('The overview of one product', {
    product,
    model,
    purchased: integer,
    machineQuota: nullableInteger,
    registeredMachines: integer,
    expiresAt: nullableInstant,
    scopes: list(component('ScopeLine')),
    licensedUsers: list(component('LicensedUser')),
    onlineLicenses: list(component('OnlineLicense')),
    offlineLicenses: list(component('OfflineLicense')),
    machines: list(component('RegisteredMachine')),
  }),
  LicensesOverview: object<LicensesOverview>('The license overview (SPEC §4.7)', {
    accountId: text,
    asOf: instant,
    asOfPosition: position,
    timezone: text,
    orgId: nullableText,
    products: list(component('ProductOverview')),
  }),

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
  SeriesExplanation: {
    ...object<SeriesExplanation>(
      'The events behind one number of a report (SPEC §5), with details by metric',
      {
        report: text,
        accountId: text,
        product: text,
        orgId: nullableText,
        interval: text,
        timezone: text,
        bucket: { type: 'object', required: ['start', 'end'], properties: { start: text, end: text } },
        metric: text,
        value: number,
        asOfPosition: position,
        warning: text,
        events: list(component('EventView')),
      },
      ['warning'],
    ),
    additionalProperties: true,
  },
  LicensesExplanation: {
    ...object<LicensesExplanation>(
      'The events behind one pool figure of the license overview (SPEC §5)',
      {
        report: { type: 'string', enum: ['licenses'] },
        accountId: text,
        product: text,
        scope: text,
        metric: { type: 'string', enum: ['purchased', 'dedicated', 'pool', 'used', 'available', 'offline'] },
        asOf: instant,
        value: number,
        asOfPosition: position,
        warning: text,
        events: list(component('EventView')),
      },
      ['warning'],
    ),
    additionalProperties: true,
  },

  ProjectionStatus: object<ProjectionStatus>('Where a projection stands', {
    name: text,
    version: integer,
    generation: nullableInteger,
    generationVersion: nullableInteger,
    status: { type: 'string', enum: ['active', 'building', 'not-started'] },
    position: nullableText,
    lagEvents: integer,
    lagSeconds: number,
    eventsFolded: integer,
    eventsSeen: integer,
    rules: anyObject,
    lastError: nullableText,
    updatedAt: nullableInstant,
  }),
  ProjectionsList: object<ProjectionsList>('Every projection', { projections: list(component('ProjectionStatus')) }),
  ProjectionHealth: object<ProjectionHealth>('A projection as /health sees it', {
    name: text,
    state: { type: 'string', enum: ['running-here', 'active-elsewhere', 'building', 'not-started'] },
    generation: nullableInteger,
    position: nullableText,
    lagEvents: integer,
    lagSeconds: number,
    lastError: nullableText,
  }),
  Health: object<Health>(
    'Whether this instance can serve',
    {
      status: { type: 'string', enum: ['ok', 'unavailable'] },
      eventStore: { ...anyObject, required: ['status'], properties: { status: { type: 'string', enum: ['up', 'down'] } } },
      database: { ...anyObject, required: ['status'], properties: { status: { type: 'string', enum: ['up', 'down'] } } },
      projections: { ...list(component('ProjectionHealth')), nullable: true },
      projectionsError: text,
    },
    ['projectionsError'],
  ),

  KeyInfo: object<KeyInfo>('The API key sending the request', {
    keyId: text,
    role: { type: 'string', enum: ['account-admin', 'auditor', 'ingest', 'operator'] },
    accountId: nullableText,
    can: {
      type: 'object',
      required: ['readReports', 'manageAccount', 'sendTelemetry', 'operate'],
      properties: { readReports: boolean, manageAccount: boolean, sendTelemetry: boolean, operate: boolean },
    },
  }),
  DirectoryOrganization: object<DirectoryOrganization>('An organization of the tree', {
    orgId: text,
    name: text,
    parentOrgId: nullableText,
    path: text,
  }),
  DirectoryProduct: object<DirectoryProduct>('A product and whether the account bought it', { product, name: text, model, purchased: boolean }),
  AccountDirectory: object<AccountDirectory>('The account, its zone, organization tree and products', {
    accountId: text,
    name: text,
    timezone: text,
    organizations: list(component('DirectoryOrganization')),
    products: list(component('DirectoryProduct')),
    asOfPosition: position,
  }),
  DirectoryUser: object<DirectoryUser>('A user', { userId: text, name: text, email: text, orgId: text, organization: text }),
  UsersPage: object<UsersPage>('Users matching q', { accountId: text, total: integer, users: list(component('DirectoryUser')) }),

  AlertRuleView: object<AlertRuleView>('An alert rule (SPEC §9); removed ones keep removedAt', {
    ruleId: text,
    kind: alertKind,
    product: text,
    scope: { type: 'string', description: "'account' or an orgId" },
    threshold: number,
    windowSeconds: integer,
    createdAt: instant,
    removedAt: nullableInstant,
  }),
  AlertRulesBody: object<AlertRulesBody>("The account's alert rules", {
    accountId: text,
    asOfPosition: position,
    rules: list(component('AlertRuleView')),
  }),
  AlertView: object<AlertView>('An alert, open or past, with the fields of its rule and its evidence (event positions)', {
    ruleId: text,
    kind: alertKind,
    product: text,
    scope: text,
    threshold: number,
    windowSeconds: integer,
    alertId: text,
    status: { type: 'string', enum: ['open', 'cleared'] },
    raisedAt: instant,
    value: {
      type: 'number',
      nullable: true,
      description: 'usage-threshold: % of the pool in use; over-allocated: available; denials: attempts; expiring: days left',
    },
    evidence: list(text),
    subject: {
      type: 'object',
      nullable: true,
      additionalProperties: true,
      description: 'expiring: {kind: purchase, purchaseId, expiresAt} or {kind: offline-license, userId, machineId, expiresAt}',
    },
    figures: {
      type: 'object',
      additionalProperties: true,
      description: '{kind: pool, used, pool, available}, {kind: denials, attempts, windowStart} or {kind: expiry, expiresAt, daysLeft}',
    },
    clearedAt: nullableInstant,
    clearedReason: nullableText,
    raisedPosition: text,
    clearedPosition: nullableText,
    links: { type: 'object', properties: { self: text, explain: text }, required: ['self', 'explain'] },
  }),
  AlertsBody: object<AlertsBody>('Alerts, newest first, paged', {
    accountId: text,
    asOfPosition: position,
    total: integer,
    page: integer,
    pageSize: integer,
    alerts: list(component('AlertView')),
  }),
  AlertExplanation: object<AlertExplanation>(
    'An alert explained like a report figure: its value, the figures it was read from, its evidence events',
    {
      report: { type: 'string', enum: ['alerts'] },
      accountId: text,
      alertId: text,
      metric: { type: 'string', enum: ['value'] },
      value: { type: 'number', nullable: true },
      asOfPosition: position,
      alert: component('AlertView'),
      reading: text,
      events: list(component('EventView')),
      eventsLog: text,
    },
  ),
  WebhookView: object<WebhookView>('A webhook: never its secret, a keyed fingerprint of it', {
    webhookId: text,
    url: text,
    secretFingerprint: text,
    registeredAt: instant,
    removedAt: nullableInstant,
  }),
  WebhooksBody: object<WebhooksBody>("The account's webhooks", { accountId: text, asOfPosition: position, webhooks: list(component('WebhookView')) }),
  DeliveryAttemptView: object<DeliveryAttemptView>('One POST of a delivery', {
    attempt: integer,
    startedAt: instant,
    durationMs: integer,
    statusCode: nullableInteger,
    error: nullableText,
  }),
  DeliveryView: object<DeliveryView>('A delivery (Ledger-Delivery: alertId:event) and its attempts', {
    deliveryId: text,
    alertId: text,
    event: { type: 'string', enum: ['AlertRaised', 'AlertCleared'] },
    status: { type: 'string', enum: ['pending', 'delivered', 'failed', 'cancelled'] },
    createdAt: instant,
    nextAttemptAt: nullableInstant,
    deliveredAt: nullableInstant,
    attempts: list(component('DeliveryAttemptView')),
  }),
  DeliveriesBody: object<DeliveriesBody>("A webhook's deliveries, newest first, paged", {
    accountId: text,
    webhookId: text,
    total: integer,
    page: integer,
    pageSize: integer,
    deliveries: list(component('DeliveryView')),
  }),
} satisfies Record<string, SchemaObject>;

export type SchemaName = keyof typeof SCHEMAS;

export const LEDGER_SCHEMAS: Readonly<Record<SchemaName, SchemaObject>> = SCHEMAS;
