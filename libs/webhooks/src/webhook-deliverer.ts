import { sql, type Kysely } from 'kysely';
import http from 'node:http';
import https from 'node:https';
import { AppendedSignal } from '../../event-store/src/sql/appended-signal.js';
import { checkWebhookUrl, guardedLookup, type WebhookUrlRules } from './address-policy.js';
import { retryDelayMs, RETRY_FOR_MS } from './retry-schedule.js';
import { signatureOf } from './signature.js';
import type { WebhookSecretVault } from './webhook-secret-vault.js';
import { DELIVERIES_ADDED_CHANNEL, type DeliveryEvent, type WebhookTables } from './webhook-tables.js';

export interface DelivererOptions extends WebhookUrlRules {
  /** The wait after the first failed attempt (doubled after each, up to an hour). */
  readonly retryInitialMs: number;
  /** How long one attempt may take. */
  readonly timeoutMs: number;
  /** Deliveries attempted at once (default 8). */
  readonly concurrency?: number;
  /** Longest sleep between two looks at the outbox when nothing wakes the deliverer (default 1 s). */
  readonly idlePollMs?: number;
}

export interface DelivererLogger {
  warn(message: string): void;
  error(message: string): void;
}

/** Subscribes to a NOTIFY channel (LedgerDatabase.listen); answers how to stop listening. */
export type Listen = (channel: string, onNotification: () => void) => Promise<() => Promise<void>>;

interface Claimed {
  readonly delivery_id: string;
  readonly account_id: string;
  readonly webhook_id: string;
  readonly secret_fingerprint: string;
  readonly url: string;
  readonly alert_id: string;
  readonly event: DeliveryEvent;
  readonly payload: string;
  readonly attempts: number;
}

interface AttemptResult {
  readonly startedAt: Date;
  readonly durationMs: number;
  readonly statusCode: number | null;
  readonly error: string | null;
}

const USER_AGENT = 'License-Ledger-Webhooks/1';
/** A claimed delivery is left alone by other deliverers for twice the attempt's time limit and this much more. */
const CLAIM_MARGIN_MS = 1_000;

/**
 * Delivers the outbox (SPEC §9): every pending delivery that is due is claimed (other processes skip
 * it while its attempt runs), POSTed with `Ledger-Delivery` and `Ledger-Signature`, and its attempt
 * recorded; a 2xx ends it, anything else schedules the next attempt (retry-schedule.ts), until 24 hours
 * after it was written. The URL is checked against the webhook policy again at every attempt, on the
 * addresses the connection actually uses. A receiver sees an alert's `AlertCleared` only after its
 * `AlertRaised` has ended (delivered or given up), so the two never cross even when attempted at once.
 * A process killed mid-attempt leaves the delivery claimed for
 * a while; then it is due again (at least once).
 */
export class WebhookDeliverer {
  readonly #wake = new AppendedSignal();
  readonly #stopping = new AbortController();
  readonly #agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };
  #running: Promise<void> | null = null;

  constructor(
    private readonly db: Kysely<WebhookTables>,
    private readonly vault: WebhookSecretVault,
    private readonly options: DelivererOptions,
    private readonly logger: DelivererLogger,
    private readonly listen?: Listen,
  ) {}

  /** Delivers in the background until `stop`. */
  start(): void {
    this.#running ??= this.#run();
  }

  async stop(): Promise<void> {
    this.#stopping.abort();
    await this.#running;
    this.#agents.http.destroy();
    this.#agents.https.destroy();
  }

  /** One round: claims what is due (up to the concurrency), attempts it, records it. Answers how many were attempted. */
  async deliverDue(): Promise<number> {
    const claimed = await this.#claim(this.options.concurrency ?? 8);
    await Promise.all(claimed.map(async (delivery) => this.#record(delivery, await this.#attempt(delivery))));
    return claimed.length;
  }

  async #run(): Promise<void> {
    const signal = this.#stopping.signal;
    let unlisten: (() => Promise<void>) | null = null;
    try {
      unlisten = (await this.listen?.(DELIVERIES_ADDED_CHANNEL, () => this.#wake.notify()).catch(() => null)) ?? null;
      for (let failures = 0; !signal.aborted;) {
        const seen = this.#wake.version;
        try {
          const attempted = await this.deliverDue();
          failures = 0;
          if (attempted > 0) continue;
          await this.#wake.wait(seen, await this.#untilNextDue(), signal);
        } catch (error) {
          failures++;
          this.logger.error(`webhook deliveries: ${error instanceof Error ? error.message : String(error)}; looking again shortly`);
          await this.#wake.wait(seen, Math.min(1000 * 2 ** failures, 30_000), signal);
        }
      }
    } finally {
      await unlisten?.().catch(() => {});
    }
  }

  /** How long until the next pending delivery is due (at most the idle poll). */
  async #untilNextDue(): Promise<number> {
    const idle = this.options.idlePollMs ?? 1000;
    const { rows } = await sql<{ wait_ms: number | null }>`
      SELECT (EXTRACT(EPOCH FROM min(next_attempt_at) - now()) * 1000)::float8 AS wait_ms
      FROM webhook_deliveries WHERE status = 'pending'`.execute(this.db);
    const wait = rows[0]?.wait_ms;
    return wait === null || wait === undefined ? idle : Math.max(0, Math.min(idle, Math.ceil(wait)));
  }

  async #claim(limit: number): Promise<Claimed[]> {
    const holdMs = 2 * this.options.timeoutMs + CLAIM_MARGIN_MS;
    const { rows } = await sql<Claimed>`
      UPDATE webhook_deliveries SET next_attempt_at = now() + ${holdMs}::double precision * interval '1 millisecond'
      WHERE delivery_id IN (
        SELECT delivery_id FROM webhook_deliveries d WHERE status = 'pending' AND next_attempt_at <= now()
          AND NOT (event = 'AlertCleared' AND EXISTS (SELECT 1 FROM webhook_deliveries r
            WHERE r.account_id = d.account_id AND r.webhook_id = d.webhook_id AND r.alert_id = d.alert_id
              AND r.event = 'AlertRaised' AND r.status = 'pending'))
        ORDER BY next_attempt_at, delivery_id LIMIT ${limit} FOR UPDATE SKIP LOCKED)
      RETURNING delivery_id::text AS delivery_id, account_id, webhook_id, secret_fingerprint, url, alert_id, event, payload, attempts`.execute(
      this.db,
    );
    return rows;
  }

  async #attempt(delivery: Claimed): Promise<AttemptResult> {
    const startedAt = new Date();
    const began = performance.now();
    const ended = (statusCode: number | null, error: string | null): AttemptResult => ({
      startedAt,
      durationMs: Math.round(performance.now() - began),
      statusCode,
      error,
    });
    try {
      const secret = await this.vault.reveal(delivery.account_id, delivery.webhook_id, delivery.secret_fingerprint);
      if (secret === null) return ended(null, 'no secret is stored for this webhook: register it again');
      await checkWebhookUrl(delivery.url, this.options);
      const statusCode = await this.#post(delivery, secret, delivery.attempts + 1);
      return ended(statusCode, statusCode >= 200 && statusCode < 300 ? null : `the receiver answered ${statusCode}`);
    } catch (error) {
      return ended(null, error instanceof Error ? error.message : String(error));
    }
  }

  #post(delivery: Claimed, secret: string, attempt: number): Promise<number> {
    const url = new URL(delivery.url);
    const body = Buffer.from(delivery.payload, 'utf8');
    const client = url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const request = client.request(
        url,
        {
          method: 'POST',
          agent: url.protocol === 'https:' ? this.#agents.https : this.#agents.http,
          lookup: guardedLookup(this.options),
          headers: {
            'Content-Type': 'application/json',
            'Content-Length': body.length,
            'User-Agent': USER_AGENT,
            'Ledger-Delivery': `${delivery.alert_id}:${delivery.event}`,
            'Ledger-Signature': signatureOf(body, secret),
            'Ledger-Attempt': String(attempt),
          },
        },
        (response) => {
          response.resume(); // the answer's body is not kept
          response.on('end', () => resolve(response.statusCode ?? 0));
          response.on('error', reject);
        },
      );
      request.setTimeout(this.options.timeoutMs, () => request.destroy(new Error(`no answer within ${this.options.timeoutMs} ms`)));
      request.on('error', reject);
      request.end(body);
    });
  }

  /** The attempt and the delivery's next state, in one transaction. */
  async #record(delivery: Claimed, result: AttemptResult): Promise<void> {
    const attempt = delivery.attempts + 1;
    const delivered = result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300;
    const waitMs = retryDelayMs(attempt, this.options.retryInitialMs);
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('webhook_attempts')
        .values({
          delivery_id: delivery.delivery_id,
          attempt,
          started_at: result.startedAt,
          duration_ms: result.durationMs,
          status_code: result.statusCode,
          error: result.error,
        })
        .execute();
      await sql`UPDATE webhook_deliveries SET attempts = ${attempt}, last_status = ${result.statusCode}, last_error = ${result.error},
          status = CASE WHEN ${delivered} THEN 'delivered'
            WHEN now() + ${waitMs}::double precision * interval '1 millisecond' > created_at + ${RETRY_FOR_MS}::double precision * interval '1 millisecond' THEN 'failed'
            ELSE 'pending' END,
          delivered_at = CASE WHEN ${delivered} THEN now() ELSE NULL END,
          next_attempt_at = now() + ${waitMs}::double precision * interval '1 millisecond'
        WHERE delivery_id = ${delivery.delivery_id}::bigint AND status = 'pending'`.execute(trx);
    });
    if (!delivered && result.error !== null)
      this.logger.warn(
        `webhook ${delivery.webhook_id} of ${delivery.account_id}, ${delivery.alert_id}:${delivery.event}, attempt ${attempt}: ${result.error}`,
      );
  }
}
