import { Inject, Injectable } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { Kysely } from 'kysely';
import { toEventView } from '../../audit/src/event-view.js';
import type { AlertExplanation, AlertRulesBody, AlertsBody, AlertView, DeliveriesBody, WebhooksBody } from '../../contracts/src/index.js';
import { DomainError } from '../../domain/src/errors.js';
import type { LedgerDatabase } from '../../database/src/ledger-database.js';
import { readAccountEvents } from '../../event-store/src/account-events.js';
import { formatPosition, parsePosition, type EventStore } from '../../event-store/src/event-store.js';
import { EVENT_STORE, LEDGER_DATABASE } from '../../platform/src/tokens.js';
import { PROJECTION_READER } from '../../reports/src/tokens.js';
import type { WebhookTables } from '../../webhooks/src/webhook-tables.js';
import type { ProjectionReader } from '../../../projections/projection.js';
import type { AlertTables } from '../../../projections/alerts/alert-tables.js';
import { parseAlertsRequest, parseDeliveriesRequest, parseNoParameters } from './alert-requests.js';
import { describeAlert } from './alert-reading.js';
import { alertView, deliveryView, ruleView, webhookView } from './alert-views.js';

/** The alert processor's projection name (projections/alerts.processor.ts). */
const ALERTS = 'alerts';

/**
 * The read side of SPEC §9: rules, alerts (open and past, with evidence and an explanation), webhooks
 * and their deliveries. Alerts, rules and webhooks come from the alert processor's active generation
 * (with its checkpoint as `asOfPosition`); deliveries from the outbox, which is outside generations.
 */
@Injectable()
export class AlertsService {
  constructor(
    @Inject(PROJECTION_READER) private readonly projections: ProjectionReader,
    @Inject(LEDGER_DATABASE) private readonly database: LedgerDatabase,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  async rules(accountId: string, parameters: Readonly<Record<string, unknown>>): Promise<AlertRulesBody> {
    parseNoParameters(parameters, 'alert rules');
    const {
      db: { kysely: db },
      position,
    } = await this.projections.reader<AlertTables>(ALERTS);
    const rows = await db
      .selectFrom('alert_rules')
      .selectAll()
      .where('account_id', '=', accountId)
      .orderBy('created_at')
      .orderBy('rule_id')
      .execute();
    return { accountId, asOfPosition: formatPosition(position), rules: rows.map(ruleView) };
  }

  async alerts(accountId: string, parameters: Readonly<Record<string, unknown>>): Promise<AlertsBody> {
    const request = parseAlertsRequest(parameters);
    const {
      db: { kysely: db },
      position,
    } = await this.projections.reader<AlertTables>(ALERTS);
    let query = db.selectFrom('alerts').where('account_id', '=', accountId);
    if (request.status === 'open') query = query.where('cleared_at', 'is', null);
    if (request.status === 'cleared') query = query.where('cleared_at', 'is not', null);
    if (request.ruleId !== undefined) query = query.where('rule_id', '=', request.ruleId);
    if (request.kind !== undefined) query = query.where('kind', '=', request.kind);
    if (request.product !== undefined) query = query.where('product', '=', request.product);
    const { total } = await query.select((eb) => eb.fn.countAll<string>().as('total')).executeTakeFirstOrThrow();
    const rows = await query
      .selectAll()
      .orderBy('raised_at', 'desc')
      .orderBy('alert_id', 'desc')
      .limit(request.pageSize)
      .offset((request.page - 1) * request.pageSize)
      .execute();
    return {
      accountId,
      asOfPosition: formatPosition(position),
      total: Number(total),
      page: request.page,
      pageSize: request.pageSize,
      alerts: rows.map(alertView),
    };
  }

  async alert(accountId: string, alertId: string): Promise<AlertView> {
    const {
      db: { kysely: db },
    } = await this.projections.reader<AlertTables>(ALERTS);
    return alertView(await this.#alertRow(db, accountId, alertId));
  }

  /** The alert like a report figure: its value, how it reads, and the events behind it (from the account's stream). */
  async explain(accountId: string, alertId: string, parameters: Readonly<Record<string, unknown>>): Promise<AlertExplanation> {
    parseNoParameters(parameters, 'alert explain');
    const {
      db: { kysely: db },
      position,
    } = await this.projections.reader<AlertTables>(ALERTS);
    const alert = alertView(await this.#alertRow(db, accountId, alertId));
    const wanted = new Set(alert.evidence);
    const events = (await readAccountEvents(this.store, accountId, { upTo: parsePosition(alert.raisedPosition) }))
      .filter((event) => wanted.has(formatPosition(event.position)!))
      .map(toEventView);
    return {
      report: 'alerts',
      accountId,
      alertId,
      metric: 'value',
      value: alert.value,
      asOfPosition: formatPosition(position),
      alert,
      reading: describeAlert(alert),
      events,
      eventsLog: `/v1/accounts/${encodeURIComponent(accountId)}/events?until=${encodeURIComponent(alert.raisedPosition)}`,
    };
  }

  async webhooks(accountId: string, parameters: Readonly<Record<string, unknown>>): Promise<WebhooksBody> {
    parseNoParameters(parameters, 'webhooks');
    const {
      db: { kysely: db },
      position,
    } = await this.projections.reader<AlertTables>(ALERTS);
    const rows = await db
      .selectFrom('webhooks')
      .selectAll()
      .where('account_id', '=', accountId)
      .orderBy('registered_at')
      .orderBy('webhook_id')
      .execute();
    return { accountId, asOfPosition: formatPosition(position), webhooks: rows.map(webhookView) };
  }

  async deliveries(accountId: string, webhookId: string, parameters: Readonly<Record<string, unknown>>): Promise<DeliveriesBody> {
    const request = parseDeliveriesRequest(parameters);
    const {
      db: { kysely: db },
    } = await this.projections.reader<AlertTables>(ALERTS);
    const known = await db
      .selectFrom('webhooks')
      .select('webhook_id')
      .where('account_id', '=', accountId)
      .where('webhook_id', '=', webhookId)
      .executeTakeFirst();
    if (!known) throw new DomainError('NOT_FOUND', `webhook '${webhookId}' does not exist`, [{ path: 'webhookId', message: 'not found' }]);
    const outbox = this.database.kysely<WebhookTables>();
    let query = outbox.selectFrom('webhook_deliveries').where('account_id', '=', accountId).where('webhook_id', '=', webhookId);
    if (request.status !== undefined) query = query.where('status', '=', request.status);
    const { total } = await query.select((eb) => eb.fn.countAll<string>().as('total')).executeTakeFirstOrThrow();
    const rows = await query
      .select(['delivery_id', 'alert_id', 'event', 'status', 'created_at', 'next_attempt_at', 'delivered_at'])
      .orderBy('delivery_id', 'desc')
      .limit(request.pageSize)
      .offset((request.page - 1) * request.pageSize)
      .execute();
    const attempts =
      rows.length === 0
        ? []
        : await outbox
            .selectFrom('webhook_attempts')
            .selectAll()
            .where(
              'delivery_id',
              'in',
              rows.map((r) => r.delivery_id),
            )
            .orderBy('delivery_id')
            .orderBy('attempt')
            .execute();
    return {
      accountId,
      webhookId,
      total: Number(total),
      page: request.page,
      pageSize: request.pageSize,
      deliveries: rows.map((row) =>
        deliveryView(
          row,
          attempts.filter((a) => String(a.delivery_id) === String(row.delivery_id)),
        ),
      ),
    };
  }

  async #alertRow(db: Kysely<AlertTables>, accountId: string, alertId: string): Promise<AlertTables['alerts']> {
    const row = await db.selectFrom('alerts').selectAll().where('account_id', '=', accountId).where('alert_id', '=', alertId).executeTakeFirst();
    if (!row) throw new DomainError('NOT_FOUND', `alert '${alertId}' does not exist`, [{ path: 'alertId', message: 'not found' }]);
    return row;
  }
}

/** The alert rules of an account. */
export class AlertRulesQuery extends Query<AlertRulesBody> {
  constructor(
    readonly accountId: string,
    readonly parameters: Readonly<Record<string, unknown>> = {},
  ) {
    super();
  }
}

/** Alerts of an account, filtered and paged. */
export class AlertsQuery extends Query<AlertsBody> {
  constructor(
    readonly accountId: string,
    readonly parameters: Readonly<Record<string, unknown>> = {},
  ) {
    super();
  }
}

export class AlertQuery extends Query<AlertView> {
  constructor(
    readonly accountId: string,
    readonly alertId: string,
  ) {
    super();
  }
}

export class ExplainAlertQuery extends Query<AlertExplanation> {
  constructor(
    readonly accountId: string,
    readonly alertId: string,
    readonly parameters: Readonly<Record<string, unknown>> = {},
  ) {
    super();
  }
}

export class WebhooksQuery extends Query<WebhooksBody> {
  constructor(
    readonly accountId: string,
    readonly parameters: Readonly<Record<string, unknown>> = {},
  ) {
    super();
  }
}

export class DeliveriesQuery extends Query<DeliveriesBody> {
  constructor(
    readonly accountId: string,
    readonly webhookId: string,
    readonly parameters: Readonly<Record<string, unknown>> = {},
  ) {
    super();
  }
}

@QueryHandler(AlertRulesQuery)
export class AlertRulesHandler implements IQueryHandler<AlertRulesQuery, AlertRulesBody> {
  constructor(private readonly alerts: AlertsService) {}
  execute({ accountId, parameters }: AlertRulesQuery): Promise<AlertRulesBody> {
    return this.alerts.rules(accountId, parameters);
  }
}

@QueryHandler(AlertsQuery)
export class AlertsHandler implements IQueryHandler<AlertsQuery, AlertsBody> {
  constructor(private readonly alerts: AlertsService) {}
  execute({ accountId, parameters }: AlertsQuery): Promise<AlertsBody> {
    return this.alerts.alerts(accountId, parameters);
  }
}

@QueryHandler(AlertQuery)
export class AlertHandler implements IQueryHandler<AlertQuery, AlertView> {
  constructor(private readonly alerts: AlertsService) {}
  execute({ accountId, alertId }: AlertQuery): Promise<AlertView> {
    return this.alerts.alert(accountId, alertId);
  }
}

@QueryHandler(ExplainAlertQuery)
export class ExplainAlertHandler implements IQueryHandler<ExplainAlertQuery, AlertExplanation> {
  constructor(private readonly alerts: AlertsService) {}
  execute({ accountId, alertId, parameters }: ExplainAlertQuery): Promise<AlertExplanation> {
    return this.alerts.explain(accountId, alertId, parameters);
  }
}

@QueryHandler(WebhooksQuery)
export class WebhooksHandler implements IQueryHandler<WebhooksQuery, WebhooksBody> {
  constructor(private readonly alerts: AlertsService) {}
  execute({ accountId, parameters }: WebhooksQuery): Promise<WebhooksBody> {
    return this.alerts.webhooks(accountId, parameters);
  }
}

@QueryHandler(DeliveriesQuery)
export class DeliveriesHandler implements IQueryHandler<DeliveriesQuery, DeliveriesBody> {
  constructor(private readonly alerts: AlertsService) {}
  execute({ accountId, webhookId, parameters }: DeliveriesQuery): Promise<DeliveriesBody> {
    return this.alerts.deliveries(accountId, webhookId, parameters);
  }
}
