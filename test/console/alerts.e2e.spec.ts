import { createHmac } from 'node:crypto';
import { DateTime } from 'luxon';
import type { Page } from 'playwright-core';
import type { AlertRulesBody, AlertsBody, AlertView, DeliveriesBody, EventsLogPage } from '../../libs/contracts/src/index.js';
import { pollUntil } from '../fault/support/ledger-process.js';
import { call } from '../fault/support/ledger-server.js';
import { SQL_BACKENDS } from '../support/ledger-backends.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';
import { openAs, openBrowser, screenshot, type ConsoleBrowser } from './support/console-browser.js';
import { startConsoleLedger, type ConsoleLedger } from './support/console-ledger.js';
import { tableRow } from './support/console-page.js';

/**
 * The Alerts section of the web console (SPEC §9) in real headless Chromium, against a real `ledger
 * serve` (SPEC §7 example, embedded store) whose deliverer POSTs to a real receiver on loopback. A
 * rule and a webhook are created in the console; two sessions fill a TestCloud pool; the raised
 * alert, its explanation and the delivery are read in the console. The views only call the `/v1` API,
 * which the HTTP suites test on both stores.
 */
const [, makeBackend] = SQL_BACKENDS.find(([name]) => name === 'PGlite')!;
const ZONE = 'America/New_York';
const SECRET = 'console-receiver-secret-7731';
const inZone = (iso: string) => DateTime.fromISO(iso).setZone(ZONE).toFormat('yyyy-MM-dd HH:mm:ss');

describe("the console's alerts, rules and webhooks on PGlite (SPEC §9)", () => {
  let ledger: ConsoleLedger;
  let browser: ConsoleBrowser;
  let page: Page;
  let receiver: WebhookReceiver;

  const open = (path: string, token = ledger.tokens.admin) => openAs(page, ledger.url, token, path);
  const post = (path: string, body: unknown, token = ledger.tokens.admin) => call(ledger.url, token, 'POST', `/v1/accounts/acme${path}`, body);
  const get = async <T>(path: string, token = ledger.tokens.admin): Promise<T> => {
    const answer = await ledger.api(`/v1/accounts/acme${path}`, token);
    expect({ path, status: answer.status }).toEqual({ path, status: 200 });
    return JSON.parse(answer.text) as T;
  };
  const until = <T>(what: string, probe: () => Promise<T | undefined>) => pollUntil(what, probe, 20_000, 100);

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    const backend = await makeBackend('console-alerts');
    ledger = await startConsoleLedger({
      ...backend,
      env: { ...backend.env, WEBHOOK_ALLOW_HTTP: '1', WEBHOOK_ALLOW_PRIVATE: '1', WEBHOOK_RETRY_INITIAL_SECONDS: '0.2' },
    });
    browser = await openBrowser();
    page = browser.page;
    // A TestCloud pool of 2 for the rule to watch (the example's KRE purchase has expired by now).
    const purchase = await post('/purchases', {
      purchaseId: 'p-tc',
      product: 'TC_DESKTOP',
      quantity: 2,
      startsAt: new Date(Date.now() - 86_400_000).toISOString(),
      expiresAt: new Date(Date.now() + 30 * 86_400_000).toISOString(),
    });
    expect([purchase.status, purchase.body?.code]).toEqual([201, undefined]);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await ledger?.stop();
    await receiver?.close();
  }, 60_000);

  it('an admin creates a rule in the console: a bad threshold is refused naming the field and changes nothing; the rule is then listed and is an event', async () => {
    await open('/alert-rules');
    await page.getByText('No alert rule yet.').waitFor();
    expect(await page.getByRole('navigation', { name: 'Views' }).getByRole('heading', { name: 'Alerts' }).count()).toBe(1);

    await page.getByRole('button', { name: 'Create rule' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Rule id').fill('tc-full');
    await dialog.getByLabel('Kind').selectOption('usage-threshold');
    await dialog.getByLabel('Product').selectOption('TC_DESKTOP');
    await dialog.getByLabel('Threshold').fill('150.5');
    await dialog.getByRole('button', { name: 'Create rule' }).click();
    const problem = dialog.getByTestId('problem');
    await problem.waitFor();
    expect(await problem.textContent()).toContain('VALIDATION_FAILED');
    expect(await problem.locator('li code').allTextContents()).toEqual(['threshold']);
    await screenshot(page, 'alert-rules-refused');
    expect((await get<AlertRulesBody>('/alert-rules')).rules).toEqual([]);
    expect((await get<EventsLogPage>('/events?type=AlertRuleCreated')).events).toEqual([]);

    await dialog.getByLabel('Threshold').fill('100');
    await dialog.getByRole('button', { name: 'Create rule' }).click();
    await dialog.waitFor({ state: 'detached' });
    const table = page.getByTestId('alert-rules');
    await table.getByText('tc-full').waitFor();
    expect(await tableRow(table, 'tc-full')).toMatchObject({
      Kind: 'Usage threshold',
      Product: 'TC_DESKTOP',
      Scope: 'Account (Acme)',
      Threshold: '100',
      'Window (s)': '0',
    });

    const created = (await get<EventsLogPage>('/events?type=AlertRuleCreated')).events;
    expect(created.map((e) => e.data)).toEqual([
      { ruleId: 'tc-full', kind: 'usage-threshold', product: 'TC_DESKTOP', scope: 'account', threshold: 100, windowSeconds: 0 },
    ]);
    expect(await tableRow(table, 'tc-full')).toMatchObject({ [`Created (${ZONE})`]: inZone(created[0]!.metadata.occurredAt) });
    await screenshot(page, 'alert-rules');
  }, 60_000);

  it('an admin registers a webhook in the console: listed with a fingerprint, the secret never shown', async () => {
    await open('/webhooks');
    await page.getByRole('button', { name: 'Register webhook' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Webhook id').fill('ops');
    await dialog.getByLabel('URL').fill(receiver.url);
    const secret = dialog.getByLabel('Secret (write-only)');
    expect(await secret.getAttribute('type')).toBe('password');
    await secret.fill(SECRET);
    await dialog.getByRole('button', { name: 'Register webhook' }).click();
    await dialog.waitFor({ state: 'detached' });
    const table = page.getByTestId('webhooks');
    await table.getByText('ops', { exact: true }).waitFor();
    const row = await tableRow(table, 'ops');
    expect(row).toMatchObject({ URL: receiver.url });
    expect(row['Secret fingerprint']).toMatch(/^hmac-sha256:[0-9a-f]{32}$/);
    expect(await page.content()).not.toContain(SECRET);
    expect((await ledger.api('/v1/accounts/acme/webhooks')).text).not.toContain(SECRET);
  }, 60_000);

  it('two sessions fill the pool: the raised alert shows with its value, instants in the zone and evidence; Explain lists the evidence events', async () => {
    for (const [sessionId, userId] of [
      ['t1', 'u1'],
      ['t2', 'u2'],
    ]) {
      const started = await post('/sessions', { product: 'TC_DESKTOP', sessionId, userId, machineId: `m-${sessionId}` });
      expect([started.status, started.body?.code]).toEqual([201, undefined]);
    }
    const alert = await until('the alert raised', async () => (await get<AlertsBody>('/alerts?status=open')).alerts[0]);
    expect(alert).toMatchObject({ ruleId: 'tc-full', value: 100, figures: { kind: 'pool', used: 2, pool: 2, available: 0 } });

    await open('/alerts');
    const table = page.getByTestId('alerts');
    const raised = inZone(alert.raisedAt);
    await table.getByText(raised).waitFor();
    expect(await tableRow(table, raised)).toMatchObject({
      Status: 'open',
      Rule: 'tc-full',
      Kind: 'Usage threshold',
      Product: 'TC_DESKTOP',
      Value: '100 %',
      [`Cleared (${ZONE})`]: '—',
      'Evidence (positions)': alert.evidence.join(', '),
    });
    await screenshot(page, 'alerts');

    await table.getByRole('button', { name: `Explain alert ${alert.alertId} (tc-full)` }).click();
    const explain = page.getByTestId('explain');
    await explain.getByTestId('event-list').waitFor();
    expect(await explain.getByTestId('explain-value').textContent()).toBe('100');
    expect(await explain.textContent()).toContain('2 of the 2 TC_DESKTOP licenses of the account pool in use (100 %)');
    const list = explain.getByTestId('event-list');
    expect(await list.locator('tbody tr td:first-child').allTextContents()).toEqual(alert.evidence);
    expect((await list.locator('tbody tr td:nth-child(2)').allTextContents()).sort()).toEqual([
      'LicensesPurchased',
      'SessionStarted',
      'SessionStarted',
    ]);
    await screenshot(page, 'alert-explain');

    // Each evidence event links to the event log, on that event.
    const last = alert.evidence.at(-1)!;
    await list.getByRole('link', { name: last }).click();
    await page.getByRole('heading', { name: 'Event Log' }).waitFor();
    const highlighted = page.locator(`tr[id="event-${last}"][aria-current="true"]`);
    await highlighted.waitFor();
    expect(await highlighted.locator('td:nth-child(2)').textContent()).toBe('SessionStarted');
  }, 60_000);

  it('the kind and product filters narrow the alerts to what the API answers for them, live in the URL and reopen from a link', async () => {
    const alert = (await get<AlertsBody>('/alerts?status=open')).alerts[0]!;
    const raised = inZone(alert.raisedAt);
    await open('/alerts');
    const table = page.getByTestId('alerts');
    await table.getByText(raised).waitFor();
    const kind = page.getByLabel('Kind', { exact: true });
    const product = page.getByLabel('Product', { exact: true });

    await kind.selectOption('denials');
    await page.waitForURL(/kind=denials/);
    await page.getByText('No alert of this kind or product.').waitFor();
    expect((await get<AlertsBody>('/alerts?kind=denials')).total).toBe(0);

    await kind.selectOption('usage-threshold');
    await product.selectOption('TC_DESKTOP');
    await page.waitForURL(/product=TC_DESKTOP/);
    await table.getByText(raised).waitFor();
    expect(Object.fromEntries(new URL(page.url()).searchParams)).toEqual({ kind: 'usage-threshold', product: 'TC_DESKTOP' });
    const filtered = await get<AlertsBody>('/alerts?kind=usage-threshold&product=TC_DESKTOP');
    expect(await table.locator('tbody tr').count()).toBe(filtered.total);
    expect(filtered.alerts.map((a) => a.alertId)).toEqual([alert.alertId]);

    // A link with the filters reopens them; another product has no alert.
    await open('/alerts?kind=usage-threshold&product=KRE');
    await page.getByText('No alert of this kind or product.').waitFor();
    expect([await kind.inputValue(), await product.inputValue()]).toEqual(['usage-threshold', 'KRE']);
    expect((await get<AlertsBody>('/alerts?kind=usage-threshold&product=KRE')).total).toBe(0);
    await screenshot(page, 'alerts-filtered');

    await page.getByRole('button', { name: 'Reset Filters' }).click();
    await table.getByText(raised).waitFor();
    expect(new URL(page.url()).search).toBe('');
  }, 60_000);

  it('the webhook registered in the console receives the delivery, signed, and its delivery log shows the attempt', async () => {
    const alert = (await get<AlertsBody>('/alerts?status=open')).alerts[0]!;
    const received = await until('the delivery', async () =>
      receiver.received.find((r) => r.headers['ledger-delivery'] === `${alert.alertId}:AlertRaised`),
    );
    expect(received.headers['ledger-signature']).toBe(`sha256=${createHmac('sha256', SECRET).update(received.body).digest('hex')}`);
    expect(JSON.parse(received.body)).toMatchObject({ event: 'AlertRaised', webhookId: 'ops', alertId: alert.alertId, value: 100 });
    const recorded = await until('the delivery recorded', async () => {
      const body = await get<DeliveriesBody>('/webhooks/ops/deliveries');
      return body.deliveries[0]?.status === 'delivered' ? body.deliveries[0] : undefined;
    });

    await open('/webhooks');
    await page.getByTestId('webhooks').getByRole('button', { name: 'Deliveries' }).click();
    await page.waitForURL(/webhook=ops/);
    const deliveries = page.getByTestId('deliveries');
    const id = `${alert.alertId}:AlertRaised`;
    await deliveries.getByText(id).waitFor();
    expect(await tableRow(deliveries, id)).toMatchObject({
      Event: 'AlertRaised',
      Status: 'delivered',
      [`Delivered (${ZONE})`]: inZone(recorded.deliveredAt!),
    });
    const attempts = deliveries.getByRole('table', { name: `Attempts of ${id}` });
    expect(await attempts.locator('tbody tr').count()).toBe(recorded.attempts.length);
    const first = recorded.attempts[0]!;
    expect(await attempts.locator('tbody tr').first().locator('td').allTextContents()).toEqual([
      '1',
      inZone(first.startedAt),
      '204',
      '—',
      first.durationMs.toLocaleString('en-US'),
    ]);
    await screenshot(page, 'webhook-deliveries');
  }, 60_000);

  it('an auditor reads rules, alerts and webhooks but has no button to change them, and the API refuses it', async () => {
    await open('/alert-rules', ledger.tokens.auditor);
    await page.getByTestId('alert-rules').getByText('tc-full').waitFor();
    expect(await page.getByTestId('role').textContent()).toBe('auditor');
    for (const name of ['Create rule', 'Remove']) {
      expect({ name, count: await page.getByRole('button', { name, exact: true }).count() }).toEqual({ name, count: 0 });
    }
    const refused = await post(
      '/alert-rules',
      { ruleId: 'by-auditor', kind: 'over-allocated', product: 'TC_DESKTOP', scope: 'account' },
      ledger.tokens.auditor,
    );
    expect(refused.status).toBe(403);
    expect((await get<AlertRulesBody>('/alert-rules')).rules.map((r) => r.ruleId)).toEqual(['tc-full']);

    await open('/webhooks', ledger.tokens.auditor);
    await page.getByTestId('webhooks').getByText('ops', { exact: true }).waitFor();
    for (const name of ['Register webhook', 'Remove']) {
      expect({ name, count: await page.getByRole('button', { name, exact: true }).count() }).toEqual({ name, count: 0 });
    }
    await open('/alerts', ledger.tokens.auditor);
    await page.getByTestId('alerts').waitFor();
  }, 60_000);

  it('an admin removes the rule after confirming: its open alert is cleared (rule removed) and the clearing is delivered', async () => {
    await open('/alert-rules');
    await page.getByTestId('alert-rules').getByRole('button', { name: 'Remove' }).click();
    const dialog = page.getByRole('dialog');
    expect(await dialog.textContent()).toContain('TC_DESKTOP, Account (Acme): ≥ 100 % of the pool');
    await dialog.getByRole('button', { name: 'Remove rule' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page
      .getByTestId('alert-rules')
      .getByText(/^removed /)
      .waitFor();

    const cleared: AlertView = await until('the alert cleared', async () => (await get<AlertsBody>('/alerts?status=cleared')).alerts[0]);
    expect(cleared).toMatchObject({ ruleId: 'tc-full', clearedReason: 'rule removed' });
    await open('/alerts?status=cleared');
    const table = page.getByTestId('alerts');
    await table.getByText('rule removed').waitFor();
    expect(await tableRow(table, inZone(cleared.raisedAt))).toMatchObject({
      Status: 'cleared',
      [`Cleared (${ZONE})`]: `${inZone(cleared.clearedAt!)} rule removed`,
    });
    await until('the clearing delivered', async () =>
      receiver.received.find((r) => r.headers['ledger-delivery'] === `${cleared.alertId}:AlertCleared`),
    );
  }, 60_000);

  it('an admin removes the webhook after confirming: listed as removed, its delivery log kept', async () => {
    await open('/webhooks?webhook=ops');
    await page.getByTestId('deliveries').waitFor();
    await page.getByTestId('webhooks').getByRole('button', { name: 'Remove' }).click();
    const dialog = page.getByRole('dialog');
    expect(await dialog.textContent()).toContain(receiver.url);
    await dialog.getByRole('button', { name: 'Remove webhook' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page
      .getByTestId('webhooks')
      .getByText(/^removed /)
      .waitFor();
    expect(await page.getByTestId('webhooks').getByRole('button', { name: 'Remove' }).count()).toBe(0);
    expect((await get<EventsLogPage>('/events?type=WebhookRemoved')).events.map((e) => e.data)).toEqual([{ webhookId: 'ops' }]);
    expect(await page.getByTestId('deliveries').locator(':scope > tbody > tr').count()).toBe(2);
  }, 60_000);
});
