import { createHmac, timingSafeEqual } from 'node:crypto';
import { IN_MEMORY, openDatabase, type LedgerDatabase } from '../../libs/database/src/database.js';
import { attemptSchedule, retryDelayMs } from '../../libs/webhooks/src/retry-schedule.js';
import { WebhookDeliverer } from '../../libs/webhooks/src/webhook-deliverer.js';
import { WebhookSecretVault } from '../../libs/webhooks/src/webhook-secret-vault.js';
import type { WebhookTables } from '../../libs/webhooks/src/webhook-tables.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';
import { query } from '../../libs/database/src/testing/query.js';

/**
 * The deliverer against a real HTTP receiver on loopback: the outbox rows are written as the alert
 * processor writes them, and everything a receiver can observe is checked from the receiver's side.
 */

/** docs/webhooks.md, "Verifying a delivery", as a receiver would write it. */
function verify(rawBody: string, secret: string, header: string | string[] | undefined): boolean {
  if (typeof header !== 'string' || !header.startsWith('sha256=')) return false;
  const expected = createHmac('sha256', secret).update(rawBody).digest('hex');
  const given = header.slice('sha256='.length);
  return given.length === expected.length && timingSafeEqual(Buffer.from(given, 'hex'), Buffer.from(expected, 'hex'));
}

const SECRET = 'whsec-test-3f9a';
const quiet = { warn: () => {}, error: () => {} };

describe('webhook deliveries', () => {
  let database: LedgerDatabase;
  let vault: WebhookSecretVault;
  let receiver: WebhookReceiver;
  let fingerprint: string;
  let nextAlert = 0;

  beforeAll(async () => {
    database = await openDatabase({ dataDir: IN_MEMORY });
    vault = new WebhookSecretVault(database.kysely<WebhookTables>(), () => ({ bytes: new Uint8Array(32).fill(3), origin: 'test' }));
    fingerprint = (await vault.store('acme', 'w1', SECRET)).fingerprint;
    receiver = await startWebhookReceiver();
  });
  afterAll(async () => {
    await receiver.close();
    await database.close();
  });
  beforeEach(async () => {
    receiver.received.length = 0;
    receiver.answer = () => 204;
    await query(database, 'DELETE FROM webhook_deliveries');
  });

  /** Outbox rows as the processor writes them: one per alert transition. */
  async function enqueue(count: number, url = receiver.url): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const alertId = `al-${++nextAlert}-0`;
      ids.push(`${alertId}:AlertRaised`);
      await database
        .kysely<WebhookTables>()
        .insertInto('webhook_deliveries')
        .values({
          account_id: 'acme',
          webhook_id: 'w1',
          secret_fingerprint: fingerprint,
          url,
          alert_id: alertId,
          event: 'AlertRaised',
          payload: JSON.stringify({ event: 'AlertRaised', deliveryId: `${alertId}:AlertRaised`, alertId, note: 'é ✓' }),
          source_commit: String(nextAlert),
          source_prepare: '0',
        })
        .execute();
    }
    return ids;
  }

  const deliverer = (options: Partial<ConstructorParameters<typeof WebhookDeliverer>[2]> = {}) =>
    new WebhookDeliverer(
      database.kysely<WebhookTables>(),
      vault,
      { allowHttp: true, allowPrivate: true, retryInitialMs: 50, timeoutMs: 2000, idlePollMs: 20, ...options },
      quiet,
    );

  const statuses = () =>
    query<{ status: string; attempts: number }>(database, 'SELECT status, attempts FROM webhook_deliveries ORDER BY delivery_id');

  async function until(what: string, done: () => Promise<boolean> | boolean, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await done())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  it('POSTs the body as written, with Ledger-Delivery and a Ledger-Signature the documented algorithm verifies', async () => {
    const [id] = await enqueue(1);
    expect(await deliverer().deliverDue()).toBe(1);
    expect(receiver.received).toHaveLength(1);
    const [request] = receiver.received;
    expect(request!.headers['ledger-delivery']).toBe(id);
    expect(request!.headers['content-type']).toBe('application/json');
    expect(JSON.parse(request!.body)).toMatchObject({ deliveryId: id, note: 'é ✓' });
    expect(verify(request!.body, SECRET, request!.headers['ledger-signature'])).toBe(true);
    expect(verify(request!.body, 'another secret', request!.headers['ledger-signature'])).toBe(false);
    expect(verify(`${request!.body} `, SECRET, request!.headers['ledger-signature'])).toBe(false);
    expect(await statuses()).toEqual([{ status: 'delivered', attempts: 1 }]);
  });

  it('the receiver down for a while, then up: every delivery arrives, with its one id, and the failed attempts are listed', async () => {
    const ids = await enqueue(20);
    await receiver.down();
    const running = deliverer();
    running.start();
    try {
      await until('attempts against the closed port', async () => (await statuses()).every((s) => s.attempts >= 2));
      expect(receiver.received).toEqual([]);
      await receiver.up();
      await until('every delivery', async () => (await statuses()).every((s) => s.status === 'delivered'));
    } finally {
      await running.stop();
    }
    const arrived = receiver.received.map((r) => r.headers['ledger-delivery']);
    expect(new Set(arrived)).toEqual(new Set(ids));
    // At least once: a repeat would carry the same id and the same body, never another id.
    for (const request of receiver.received) {
      expect(JSON.parse(request.body).deliveryId).toBe(request.headers['ledger-delivery']);
      expect(verify(request.body, SECRET, request.headers['ledger-signature'])).toBe(true);
    }
    const attempts = await query<{ errors: string; ok: string }>(
      database,
      "SELECT count(*) FILTER (WHERE error LIKE '%ECONNREFUSED%')::text AS errors, count(*) FILTER (WHERE status_code = 204)::text AS ok FROM webhook_attempts",
    );
    expect(Number(attempts[0]!.errors)).toBeGreaterThanOrEqual(40);
    expect(Number(attempts[0]!.ok)).toBe(20);
  });

  it('a non-2xx answer is retried with growing waits; any 2xx ends it', async () => {
    await enqueue(1);
    let calls = 0;
    receiver.answer = () => (++calls <= 3 ? 503 : 202);
    const running = deliverer({ retryInitialMs: 100 });
    running.start();
    try {
      await until('the delivery', async () => (await statuses())[0]?.status === 'delivered');
    } finally {
      await running.stop();
    }
    expect(receiver.received.map((r) => [r.status, r.headers['ledger-attempt']])).toEqual(
      [
        ['503', '1'],
        ['503', '2'],
        ['503', '3'],
        ['202', '4'],
      ].map(([s, a]) => [Number(s), a]),
    );
    const gaps = receiver.received.slice(1).map((r, i) => r.at - receiver.received[i]!.at);
    expect(gaps[0]).toBeGreaterThanOrEqual(100);
    expect(gaps[1]).toBeGreaterThanOrEqual(200);
    expect(gaps[2]).toBeGreaterThanOrEqual(400);
  });

  it("an alert's AlertCleared reaches the receiver only after its AlertRaised, even while the raised one is being retried", async () => {
    const alertId = `al-${++nextAlert}-0`;
    for (const event of ['AlertRaised', 'AlertCleared'] as const) {
      await database
        .kysely<WebhookTables>()
        .insertInto('webhook_deliveries')
        .values({
          account_id: 'acme',
          webhook_id: 'w1',
          secret_fingerprint: fingerprint,
          url: receiver.url,
          alert_id: alertId,
          event,
          payload: JSON.stringify({ event, deliveryId: `${alertId}:${event}`, alertId }),
          source_commit: String(nextAlert),
          source_prepare: '0',
        })
        .execute();
    }
    let calls = 0;
    receiver.answer = () => (++calls <= 2 ? 503 : 204);
    // Both are due at once and the deliverer may attempt eight at a time.
    expect(await deliverer().deliverDue()).toBe(1);
    const running = deliverer();
    running.start();
    try {
      await until('both deliveries', async () => (await statuses()).every((s) => s.status === 'delivered'));
    } finally {
      await running.stop();
    }
    expect(receiver.received.map((r) => [r.status, r.headers['ledger-delivery']])).toEqual([
      [503, `${alertId}:AlertRaised`],
      [503, `${alertId}:AlertRaised`],
      [204, `${alertId}:AlertRaised`],
      [204, `${alertId}:AlertCleared`],
    ]);
  });

  it('refuses to connect to a loopback address unless WEBHOOK_ALLOW_PRIVATE (checked at each attempt)', async () => {
    await enqueue(1);
    await deliverer({ allowPrivate: false }).deliverDue();
    expect(receiver.received).toEqual([]);
    const [attempt] = await query<{ error: string }>(database, 'SELECT error FROM webhook_attempts ORDER BY started_at DESC LIMIT 1');
    expect(attempt!.error).toContain('loopback');
    expect(await statuses()).toEqual([{ status: 'pending', attempts: 1 }]);
  });
});

describe('the retry schedule', () => {
  it('doubles from the initial wait, never waits more than an hour, and stops 24 hours after the delivery was written', () => {
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, 10_000))).toEqual([10_000, 20_000, 40_000, 80_000]);
    expect(retryDelayMs(9, 10_000)).toBe(2_560_000);
    expect(retryDelayMs(10, 10_000)).toBe(3_600_000);
    expect(retryDelayMs(1000, 10_000)).toBe(3_600_000);
    const schedule = attemptSchedule(10_000);
    expect(schedule.at(-1)!).toBeLessThanOrEqual(24 * 3_600_000);
    expect(schedule.at(-1)! + 3_600_000).toBeGreaterThan(24 * 3_600_000);
    expect(schedule).toHaveLength(32); // 10 doubling waits up to 2,560 s, then one an hour
  });
});
