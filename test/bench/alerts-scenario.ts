import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { freshStore, log, round, summarizeLatencies, type Backend, type LatencySummary } from './bench-support.js';
import { startServer, stopServer } from './http-scenario.js';

/**
 * Alerts and webhooks (SPEC §9), end to end: the API as `ledger serve` runs it (a child process:
 * projections, the alert processor and the deliverer in it), a webhook receiver in this process on
 * loopback, and an account whose rule raises an alert whenever its one KRE license is taken and clears
 * it when it is given back.
 *
 * - latency: `alerts` sessions started and ended one after another, each command sent once the
 *   previous transition arrived; for each alert, the time from sending the command that triggers it
 *   (its append happens during that request) to the webhook's arrival at the receiver. The time from
 *   the command's answer to the arrival is given too (the delivery may come before the answer).
 * - flaky receiver: `flakyAlerts` more alerts sent without waiting while the receiver answers 500 to
 *   every other request; then until every delivery has arrived with a 2xx: retries counted from the
 *   deliveries route.
 */
export interface AlertsScenarioOptions {
  readonly backend: Backend;
  readonly databaseUrl: string;
  readonly timeoutMs: number;
  /** Alerts raised (each also cleared) for the latency figures. */
  readonly alerts: number;
  /** Alerts raised (and cleared) against the receiver that fails half the time. */
  readonly flakyAlerts: number;
}

export interface AlertsResult {
  readonly backend: Backend;
  readonly store: string;
  readonly settings: Record<string, string>;
  readonly latency: {
    readonly alerts: number;
    /** Triggering command sent → AlertRaised delivery arrived. */
    readonly raisedFromSubmit: LatencySummary;
    /** Triggering command answered (its events appended) → AlertRaised delivery arrived; negative: it came first. */
    readonly raisedFromAppendAcknowledged: LatencySummary;
    readonly clearedFromSubmit: LatencySummary;
    /** The triggering commands' own HTTP latency. */
    readonly command: LatencySummary;
  };
  readonly flakyReceiver: {
    readonly alerts: number;
    readonly deliveries: number;
    readonly delivered: number;
    readonly attempts: number;
    readonly retries: number;
    readonly receiverAnswers: { readonly ok: number; readonly failed: number };
    /** Deliveries that reached the receiver more than once with a 2xx (at least once allows it). */
    readonly duplicates: number;
    readonly secondsUntilAllDelivered: number;
    readonly maxAttemptsOfOneDelivery: number;
  };
}

const ACCOUNT = 'bench-alerts';
const SECRET = 'bench-webhook-secret';

export async function runAlertsScenario(options: AlertsScenarioOptions): Promise<AlertsResult> {
  const label = `alerts-${options.backend}`;
  const deadline = Date.now() + options.timeoutMs;
  const store = await freshStore(options.backend, options.databaseUrl, `alerts_${options.backend}`);
  const receiver = await Receiver.start();
  const settings = {
    WEBHOOK_ALLOW_HTTP: '1',
    WEBHOOK_ALLOW_PRIVATE: '1',
    WEBHOOK_RETRY_INITIAL_SECONDS: '0.05',
    WEBHOOK_TIMEOUT_SECONDS: '5',
  };
  let server: Awaited<ReturnType<typeof startServer>> | undefined;
  try {
    log(label, `store: ${store.description}; receiver on ${receiver.url}`);
    server = await startServer(
      { ...store.env, ...settings, LEDGER_SECRET_KEY: Buffer.alloc(32, 5).toString('base64'), BENCH_ACCOUNTS: ACCOUNT },
      undefined,
      options.timeoutMs,
    );
    const api = new Api(server.url, server.tokens[ACCOUNT]!);
    const now = Date.now();
    await api.must('PUT', '', { name: 'Alerts benchmark' });
    await api.must('POST', '/organizations', { orgId: 'qa', name: 'QA' });
    await api.must('POST', '/users', { userId: 'u1', email: 'u1@bench.example.com', fullName: 'Bench User', orgId: 'qa' });
    await api.must('POST', '/purchases', {
      purchaseId: 'p-kre',
      product: 'KRE',
      quantity: 1,
      startsAt: new Date(now - 86_400_000).toISOString(),
      expiresAt: new Date(now + 365 * 86_400_000).toISOString(),
    });
    await api.must('POST', '/webhooks', { webhookId: 'bench', url: receiver.url, secret: SECRET });
    await api.must('POST', '/alert-rules', { ruleId: 'kre-full', kind: 'usage-threshold', product: 'KRE', scope: 'account', threshold: 100 });

    // Latency: one transition at a time.
    const raisedFromSubmit: number[] = [];
    const raisedFromAck: number[] = [];
    const clearedFromSubmit: number[] = [];
    const command: number[] = [];
    let sessions = 0;
    const transition = async (method: string, path: string, body: unknown, event: 'AlertRaised' | 'AlertCleared') => {
      const arrived = receiver.next(event);
      const sent = performance.now();
      await api.must(method, path, body);
      const answered = performance.now();
      const at = await withDeadline(arrived, deadline, `${label}: no ${event} delivery`);
      command.push(answered - sent);
      if (event === 'AlertRaised') {
        raisedFromSubmit.push(at - sent);
        raisedFromAck.push(at - answered);
      } else {
        clearedFromSubmit.push(at - sent);
      }
    };
    for (let i = 0; i < options.alerts; i++) {
      const sessionId = `s${++sessions}`;
      await transition('POST', '/sessions', { product: 'KRE', sessionId, userId: 'u1', machineId: 'm1' }, 'AlertRaised');
      await transition('POST', `/sessions/${sessionId}/end`, undefined, 'AlertCleared');
      if ((i + 1) % 100 === 0) log(label, `latency: ${i + 1}/${options.alerts} alerts raised and cleared`);
    }

    // A receiver that fails every other request; everything must still arrive.
    receiver.failEveryOther = true;
    const before = receiver.delivered.size;
    const started = performance.now();
    for (let i = 0; i < options.flakyAlerts; i++) {
      const sessionId = `s${++sessions}`;
      await api.must('POST', '/sessions', { product: 'KRE', sessionId, userId: 'u1', machineId: 'm1' });
      await api.must('POST', `/sessions/${sessionId}/end`, undefined);
    }
    const expected = before + 2 * options.flakyAlerts;
    while (receiver.delivered.size < expected) {
      if (Date.now() > deadline)
        throw new Error(`${label}: ${receiver.delivered.size - before} of ${2 * options.flakyAlerts} deliveries arrived in time`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const secondsUntilAllDelivered = (performance.now() - started) / 1000;
    log(label, `flaky receiver: ${2 * options.flakyAlerts} deliveries arrived in ${round(secondsUntilAllDelivered)} s`);
    const flaky = await api.flakyStats(new Set([...receiver.flakyIds]));
    return {
      backend: options.backend,
      store: options.backend === 'postgres' ? 'PostgreSQL (fresh schema)' : 'PGlite (fresh data dir)',
      settings,
      latency: {
        alerts: options.alerts,
        raisedFromSubmit: summarizeLatencies(raisedFromSubmit),
        raisedFromAppendAcknowledged: summarizeLatencies(raisedFromAck),
        clearedFromSubmit: summarizeLatencies(clearedFromSubmit),
        command: summarizeLatencies(command),
      },
      flakyReceiver: {
        alerts: options.flakyAlerts,
        deliveries: flaky.deliveries,
        delivered: flaky.delivered,
        attempts: flaky.attempts,
        retries: flaky.attempts - flaky.deliveries,
        receiverAnswers: { ok: receiver.flakyAnswers.ok, failed: receiver.flakyAnswers.failed },
        duplicates: receiver.duplicates,
        secondsUntilAllDelivered: round(secondsUntilAllDelivered),
        maxAttemptsOfOneDelivery: flaky.maxAttempts,
      },
    };
  } finally {
    if (server) await stopServer(server.run).catch(() => undefined);
    await receiver.close();
    await store.dispose();
  }
}

function withDeadline<T>(promise: Promise<T>, deadline: number, message: string): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(message)), Math.max(0, deadline - Date.now())).unref()),
  ]);
}

/** The webhook receiver: records when each delivery first arrived with a 2xx; can fail every other request. */
class Receiver {
  readonly delivered = new Map<string, number>();
  readonly flakyIds = new Set<string>();
  readonly flakyAnswers = { ok: 0, failed: 0 };
  duplicates = 0;
  failEveryOther = false;
  #requests = 0;
  readonly #waiting = new Map<'AlertRaised' | 'AlertCleared', ((at: number) => void)[]>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<Receiver> {
    const started: { receiver?: Receiver } = {};
    const server = createServer((request, response) => {
      const at = performance.now();
      request.resume();
      request.on('end', () => {
        response.statusCode = started.receiver!.answer(String(request.headers['ledger-delivery']), at);
        response.end();
      });
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    started.receiver = new Receiver(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`);
    return started.receiver;
  }

  /** Resolves with the arrival time of the next delivery of that event. */
  next(event: 'AlertRaised' | 'AlertCleared'): Promise<number> {
    return new Promise((resolve) => this.#waiting.set(event, [...(this.#waiting.get(event) ?? []), resolve]));
  }

  /** The status to answer the delivery with. */
  answer(deliveryId: string, at: number): number {
    const fail = this.failEveryOther && this.#requests++ % 2 === 0;
    if (this.failEveryOther) {
      this.flakyIds.add(deliveryId);
      if (fail) this.flakyAnswers.failed++;
      else this.flakyAnswers.ok++;
    }
    if (fail) return 500;
    if (this.delivered.has(deliveryId)) this.duplicates++;
    else {
      this.delivered.set(deliveryId, at);
      const event = deliveryId.endsWith(':AlertCleared') ? 'AlertCleared' : 'AlertRaised';
      this.#waiting.get(event)?.shift()?.(at);
    }
    return 204;
  }

  close(): Promise<void> {
    return new Promise((done) => {
      this.server.close(() => done());
      this.server.closeAllConnections();
    });
  }
}

/** The account's HTTP API with its admin key. */
class Api {
  constructor(
    private readonly base: string,
    private readonly token: string,
  ) {}

  async must(method: string, path: string, body?: unknown): Promise<unknown> {
    const response = await fetch(`${this.base}/v1/accounts/${ACCOUNT}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
    return text === '' ? undefined : JSON.parse(text);
  }

  /** Attempts of the deliveries made while the receiver failed half the time, from GET …/webhooks/bench/deliveries. */
  async flakyStats(ids: ReadonlySet<string>): Promise<{ deliveries: number; delivered: number; attempts: number; maxAttempts: number }> {
    let deliveries = 0;
    let delivered = 0;
    let attempts = 0;
    let maxAttempts = 0;
    for (let page = 1; ; page++) {
      const body = (await this.must('GET', `/webhooks/bench/deliveries?pageSize=1000&page=${page}`)) as {
        deliveries: { deliveryId: string; status: string; attempts: unknown[] }[];
      };
      for (const d of body.deliveries) {
        if (!ids.has(d.deliveryId)) continue;
        deliveries++;
        if (d.status === 'delivered') delivered++;
        attempts += d.attempts.length;
        maxAttempts = Math.max(maxAttempts, d.attempts.length);
      }
      if (body.deliveries.length < 1000) return { deliveries, delivered, attempts, maxAttempts };
    }
  }
}
