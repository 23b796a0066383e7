import type {
  AlertFigures,
  AlertRuleView,
  AlertSubject,
  AlertView,
  DeliveryAttemptView,
  DeliveryView,
  WebhookView,
} from '../../contracts/src/index.js';
import { alertLinks, deliveryIdOf } from '../../webhooks/src/delivery-payload.js';
import type { DeliveryEvent, DeliveryStatus, WebhookTables } from '../../webhooks/src/webhook-tables.js';
import type { AlertTables } from '../../../projections/alerts/alert-tables.js';

/** Rows of the alert processor and the outbox as the API answers them: instants in ISO UTC. */

const iso = (value: Date | string): string => new Date(value).toISOString();
const isoOrNull = (value: Date | string | null): string | null => (value === null ? null : iso(value));

export function ruleView(row: AlertTables['alert_rules']): AlertRuleView {
  return {
    ruleId: row.rule_id,
    kind: row.kind,
    product: row.product,
    scope: row.scope,
    threshold: row.threshold,
    windowSeconds: row.window_seconds,
    createdAt: iso(row.created_at),
    removedAt: isoOrNull(row.removed_at),
  };
}

export function webhookView(row: AlertTables['webhooks']): WebhookView {
  return {
    webhookId: row.webhook_id,
    url: row.url,
    secretFingerprint: row.secret_fingerprint,
    registeredAt: iso(row.registered_at),
    removedAt: isoOrNull(row.removed_at),
  };
}

export function alertView(row: AlertTables['alerts']): AlertView {
  const links = alertLinks(row.account_id, row.alert_id);
  return {
    alertId: row.alert_id,
    ruleId: row.rule_id,
    kind: row.kind,
    product: row.product,
    scope: row.scope,
    threshold: row.threshold,
    windowSeconds: row.window_seconds,
    status: row.cleared_at === null ? 'open' : 'cleared',
    raisedAt: iso(row.raised_at),
    value: row.value,
    evidence: row.evidence,
    subject: row.subject === null ? null : decodeSubject(row.subject),
    figures: decodeFigures(row.figures),
    clearedAt: isoOrNull(row.cleared_at),
    clearedReason: row.cleared_reason,
    raisedPosition: row.raised_position,
    clearedPosition: row.cleared_position,
    links: { self: links.alert, explain: links.explain },
  };
}

interface DeliveryRow {
  readonly alert_id: string;
  readonly event: DeliveryEvent;
  readonly status: DeliveryStatus;
  readonly created_at: Date | string;
  readonly next_attempt_at: Date | string;
  readonly delivered_at: Date | string | null;
}

export function deliveryView(row: DeliveryRow, attempts: readonly WebhookTables['webhook_attempts'][]): DeliveryView {
  const status = row.status;
  return {
    deliveryId: deliveryIdOf(row.alert_id, row.event),
    alertId: row.alert_id,
    event: row.event,
    status,
    createdAt: iso(row.created_at),
    nextAttemptAt: status === 'pending' ? iso(row.next_attempt_at) : null,
    deliveredAt: isoOrNull(row.delivered_at),
    attempts: attempts.map(attemptView),
  };
}

function attemptView(row: WebhookTables['webhook_attempts']): DeliveryAttemptView {
  return { attempt: row.attempt, startedAt: iso(row.started_at), durationMs: row.duration_ms, statusCode: row.status_code, error: row.error };
}

/** Figures as the processor wrote them (JSON), checked field by field. */
function decodeFigures(text: string): AlertFigures {
  const value: unknown = JSON.parse(text);
  const field = (name: string): unknown => (typeof value === 'object' && value !== null ? Reflect.get(value, name) : undefined);
  const numberOf = (name: string): number => {
    const n = field(name);
    if (typeof n !== 'number') throw new Error(`alert figures: '${name}' is not a number in ${text}`);
    return n;
  };
  const textOf = (name: string): string => {
    const s = field(name);
    if (typeof s !== 'string') throw new Error(`alert figures: '${name}' is not a text in ${text}`);
    return s;
  };
  switch (field('kind')) {
    case 'pool':
      return { kind: 'pool', used: numberOf('used'), pool: numberOf('pool'), available: numberOf('available') };
    case 'denials':
      return { kind: 'denials', attempts: numberOf('attempts'), windowStart: textOf('windowStart') };
    case 'expiry':
      return { kind: 'expiry', expiresAt: textOf('expiresAt'), daysLeft: numberOf('daysLeft') };
    default:
      throw new Error(`alert figures of an unknown kind: ${text}`);
  }
}

function decodeSubject(text: string): AlertSubject {
  const value: unknown = JSON.parse(text);
  const textOf = (name: string): string => {
    const s = typeof value === 'object' && value !== null ? Reflect.get(value, name) : undefined;
    if (typeof s !== 'string') throw new Error(`alert subject: '${name}' is not a text in ${text}`);
    return s;
  };
  return textOf('kind') === 'purchase'
    ? { kind: 'purchase', purchaseId: textOf('purchaseId'), expiresAt: textOf('expiresAt') }
    : { kind: 'offline-license', userId: textOf('userId'), machineId: textOf('machineId'), expiresAt: textOf('expiresAt') };
}
