import type { NestExpressApplication } from '@nestjs/platform-express';
import { createHmac } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../apps/api/src/create-app.js';
import { ApiKeyStore } from '../../libs/auth/src/api-keys.js';
import type { AlertExplanation, AlertRulesBody, AlertsBody, DeliveriesBody, WebhooksBody } from '../../libs/contracts/src/index.js';
import { loadConfig } from '../../libs/platform/src/config.js';
import { SQL_BACKENDS, type LedgerBackend } from '../support/ledger-backends.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

/**
 * SPEC §9 through the HTTP API of the real app (projections and deliverer running), with a real
 * receiver on loopback: rules and webhooks by command, alerts raised and cleared as the log is folded,
 * POSTed signed, listed with their evidence, explained, and the deliveries listed — never the secret.
 */
const SECRET = 'a-receiver-secret-0042';
const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

describe.each(SQL_BACKENDS)('alerts and webhooks over HTTP on %s', (_name, open) => {
  let backend: LedgerBackend;
  let app: NestExpressApplication;
  let url: string;
  let admin: string;
  let auditor: string;
  let receiver: WebhookReceiver;
  const answers: string[] = [];

  async function call(method: string, path: string, body?: unknown, token = admin): Promise<{ status: number; body: any }> {
    const response = await fetch(`${url}/v1/accounts/acme${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    answers.push(text);
    return {
      status: response.status,
      body: /^application\/(problem\+)?json/.test(response.headers.get('content-type') ?? '') ? JSON.parse(text) : text,
    };
  }
  const ok = async (method: string, path: string, body?: unknown) => {
    const answer = await call(method, path, body);
    expect({ path, status: answer.status < 300, body: answer.status < 300 ? null : answer.body }).toEqual({ path, status: true, body: null });
    return answer.body;
  };
  async function until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const value = await probe();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  beforeAll(async () => {
    backend = await open('alerts');
    receiver = await startWebhookReceiver();
    const config = loadConfig({
      ...backend.env,
      WEBHOOK_ALLOW_HTTP: '1',
      WEBHOOK_ALLOW_PRIVATE: '1',
      WEBHOOK_RETRY_INITIAL_SECONDS: '0.2',
      LEDGER_SECRET_KEY: Buffer.alloc(32, 7).toString('base64'),
    });
    app = await createApp(config, { logger: false });
    await app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    const keys = app.get(ApiKeyStore);
    admin = (await keys.create({ accountId: 'acme', role: 'account-admin' })).token;
    auditor = (await keys.create({ accountId: 'acme', role: 'auditor' })).token;
    await ok('PUT', '', { name: 'Acme', at: minutesAgo(60) });
    await ok('POST', '/organizations', { orgId: 'qa', name: 'QA', at: minutesAgo(59) });
    for (const userId of ['u1', 'u2', 'u3']) {
      await ok('POST', '/users', { userId, email: `${userId}@acme.example`, fullName: userId, orgId: 'qa', at: minutesAgo(58) });
    }
    await ok('POST', '/purchases', {
      purchaseId: 'p1',
      product: 'KRE',
      quantity: 2,
      startsAt: minutesAgo(600),
      expiresAt: new Date(Date.now() + 30 * 86_400_000).toISOString(),
      at: minutesAgo(57),
    });
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await receiver?.close();
    await backend?.remove();
  });

  it('refuses bad rules and webhooks naming the field, duplicates and unknown ids with their codes', async () => {
    const rule = { ruleId: 'bad', kind: 'usage-threshold', product: 'KRE', scope: 'account', threshold: 80, at: minutesAgo(56) };
    const refusals = [
      [{ ...rule, kind: 'busy' }, 400, 'kind'],
      [{ ...rule, threshold: 120 }, 400, 'threshold'],
      [{ ...rule, scope: 'nowhere' }, 400, 'scope'],
      [{ ...rule, product: 'NOPE' }, 400, 'product'],
      [{ ...rule, kind: 'denials', windowSeconds: undefined, threshold: 3 }, 400, 'windowSeconds'],
    ] as const;
    for (const [body, status, field] of refusals) {
      const answer = await call('POST', '/alert-rules', body);
      expect({ field, status: answer.status, code: answer.body.code, paths: answer.body.errors?.map((e: { path: string }) => e.path) }).toEqual({
        field,
        status,
        code: 'VALIDATION_FAILED',
        paths: [field],
      });
    }
    const webhook = await call('POST', '/webhooks', { webhookId: 'bad', url: 'ftp://example.com/x', secret: SECRET, at: minutesAgo(56) });
    expect([webhook.status, webhook.body.errors.map((e: { path: string }) => e.path)]).toEqual([400, ['url']]);
    expect((await call('DELETE', '/alert-rules/none')).body.code).toBe('NOT_FOUND');
    expect((await call('DELETE', '/webhooks/none')).body.code).toBe('NOT_FOUND');
    expect((await call('POST', '/alert-rules', rule, auditor)).status).toBe(403);
  });

  it('raises and clears alerts as sessions fill and free the pool, POSTs each transition signed, and lists and explains them', async () => {
    await ok('POST', '/webhooks', { webhookId: 'ops', url: receiver.url, secret: SECRET, at: minutesAgo(55) });
    expect((await call('POST', '/webhooks', { webhookId: 'ops', url: receiver.url, secret: 'other', at: minutesAgo(55) })).body.code).toBe(
      'ALREADY_EXISTS',
    );
    await ok('POST', '/alert-rules', {
      ruleId: 'full',
      kind: 'usage-threshold',
      product: 'KRE',
      scope: 'account',
      threshold: 100,
      at: minutesAgo(54),
    });
    expect(
      (await call('POST', '/alert-rules', { ruleId: 'full', kind: 'over-allocated', product: 'KRE', scope: 'account', at: minutesAgo(54) })).body
        .code,
    ).toBe('ALREADY_EXISTS');
    const full = minutesAgo(9);
    const freed = minutesAgo(8);
    await ok('POST', '/sessions', { product: 'KRE', sessionId: 's1', userId: 'u1', machineId: 'm1', at: minutesAgo(10) });
    await ok('POST', '/sessions', { product: 'KRE', sessionId: 's2', userId: 'u2', machineId: 'm2', at: full });
    await ok('POST', '/sessions/s1/end', { at: freed });

    const delivered = await until('two deliveries', async () => (receiver.received.length >= 2 ? receiver.received : undefined));
    const bodies = delivered.map((r) => JSON.parse(r.body));
    expect(bodies.map((b) => b.event)).toEqual(['AlertRaised', 'AlertCleared']);
    const alertId: string = bodies[0].alertId;
    expect(delivered.map((r) => r.headers['ledger-delivery'])).toEqual([`${alertId}:AlertRaised`, `${alertId}:AlertCleared`]);
    for (const request of delivered) {
      expect(request.headers['ledger-signature']).toBe(`sha256=${createHmac('sha256', SECRET).update(request.body).digest('hex')}`);
    }
    expect(bodies[0]).toMatchObject({ ruleId: 'full', value: 100, at: full, rule: { kind: 'usage-threshold', threshold: 100 } });
    expect(bodies[1]).toMatchObject({ ruleId: 'full', at: freed, reason: 'condition ended' });

    const alerts: AlertsBody = await ok('GET', '/alerts');
    expect(alerts.alerts).toEqual([
      expect.objectContaining({
        alertId,
        ruleId: 'full',
        kind: 'usage-threshold',
        status: 'cleared',
        value: 100,
        clearedReason: 'condition ended',
        figures: { kind: 'pool', used: 2, pool: 2, available: 0 },
      }),
    ]);
    expect(alerts.alerts[0]!.evidence).toHaveLength(3);
    expect(((await ok('GET', '/alerts?status=open')) as AlertsBody).alerts).toEqual([]);
    expect((await call('GET', '/alerts?status=closed')).body.errors).toEqual([{ path: 'status', message: 'must be one of open, cleared' }]);

    // An auditor reads alerts and their explanation: the events behind the value, from the log.
    const explained: AlertExplanation = (await call('GET', `/alerts/${alertId}/explain`, undefined, auditor)).body;
    expect(explained.events.map((e) => e.type).sort()).toEqual(['LicensesPurchased', 'SessionStarted', 'SessionStarted']);
    expect(explained.events.map((e) => e.position)).toEqual(alerts.alerts[0]!.evidence);
    expect(explained.reading).toContain('2 of the 2 KRE licenses of the account pool in use (100 %)');
    expect(explained.eventsLog).toMatch(/^\/v1\/accounts\/acme\/events\?until=/);
    expect((await call('GET', '/alerts/al-none/explain')).status).toBe(404);

    const rules: AlertRulesBody = await ok('GET', '/alert-rules');
    expect(rules.rules).toEqual([
      expect.objectContaining({ ruleId: 'full', kind: 'usage-threshold', threshold: 100, windowSeconds: 0, removedAt: null }),
    ]);

    const webhooks: WebhooksBody = (await call('GET', '/webhooks', undefined, auditor)).body;
    expect(webhooks.webhooks).toEqual([expect.objectContaining({ webhookId: 'ops', url: receiver.url, removedAt: null })]);
    expect(webhooks.webhooks[0]!.secretFingerprint).toMatch(/^hmac-sha256:[0-9a-f]{32}$/);

    const deliveries: DeliveriesBody = await until('both deliveries recorded', async () => {
      const body: DeliveriesBody = await ok('GET', '/webhooks/ops/deliveries');
      return body.deliveries.every((d) => d.status === 'delivered') && body.total === 2 ? body : undefined;
    });
    expect(deliveries.deliveries.map((d) => [d.deliveryId, d.attempts.length, d.attempts[0]!.statusCode])).toEqual([
      [`${alertId}:AlertCleared`, 1, 204],
      [`${alertId}:AlertRaised`, 1, 204],
    ]);
    expect((await call('GET', '/webhooks/none/deliveries')).status).toBe(404);
  });

  it('a failing receiver is retried until it answers 2xx; the attempts are listed', async () => {
    receiver.received.length = 0;
    let failures = 2;
    receiver.answer = () => (failures-- > 0 ? 500 : 200);
    await ok('POST', '/sessions', { product: 'KRE', sessionId: 's3', userId: 'u3', machineId: 'm3', at: minutesAgo(7) });
    const body = await until('the delivery after two failures', async () => {
      const page: DeliveriesBody = await ok('GET', '/webhooks/ops/deliveries?status=delivered');
      return page.deliveries.find((d) => d.attempts.length === 3);
    });
    expect(body.attempts.map((a) => a.statusCode)).toEqual([500, 500, 200]);
    expect(new Set(receiver.received.map((r) => r.headers['ledger-delivery']))).toEqual(new Set([body.deliveryId]));
    receiver.answer = () => 204;
  });

  it('never answers the secret: not in an event, an export, a list or a command outcome', async () => {
    const outcome = await ok('POST', '/webhooks', { webhookId: 'second', url: `${receiver.url}/2`, secret: SECRET, at: minutesAgo(6) });
    expect(outcome.events[0]).toMatchObject({
      type: 'WebhookRegistered',
      data: { webhookId: 'second', secretFingerprint: expect.stringMatching(/^hmac-sha256:/) },
    });
    await ok('GET', '/events?format=ndjson');
    await ok('GET', '/events');
    await ok('DELETE', '/webhooks/second', { at: minutesAgo(5) });
    expect(answers.filter((text) => text.includes(SECRET))).toEqual([]);
  });
});
