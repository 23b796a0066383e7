import { createHmac } from 'node:crypto';
import { asLedgerEvent, decodeStoredEvent } from '../../libs/event-store/src/stored-ledger-event.js';
import { AlertMonitor } from '../../libs/domain/src/alerts/alert-monitor.js';
import type { AlertTransition } from '../../libs/domain/src/alerts/alert-transitions.js';
import { formatPosition, type StoredEvent } from '../../libs/event-store/src/event-store.js';
import { createHistory, type HistoryCommand } from '../../libs/history-generator/src/generate-history.js';
import { generationSchema } from '../../projections/engine/generation-schema.js';
import { readGenerations, type GenerationRecord } from '../../projections/engine/registry.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';
import { useFaultFixture } from './support/fault-fixture.js';
import { pollUntil, PROCESS_TEST_TIMEOUT_MS, runLedger, startLedger, writeNdjson } from './support/ledger-process.js';
import { waitForProjectionsAtLogEnd } from './support/projection-progress.js';
import { query } from '../../libs/database/src/testing/query.js';

/**
 * SIGKILL of `ledger projections run` while the alert processor folds and the deliverer POSTs: the
 * restarted projector resumes from the checkpoint (its monitors rebuilt from the accounts' streams), and
 * in the end the alerts are exactly those a fold of the whole log gives — none lost, none doubled — and
 * the receiver got every delivery, each under its one id, a repeat (at least once) with the same body.
 */
const SECRET = 'fault-test-secret';
const LEASE_MS = 900_000;

/** Rules and a webhook for every account, right after it is opened (same instant). */
function withAlerts(commands: Iterable<HistoryCommand>, url: string): HistoryCommand[] {
  const out: HistoryCommand[] = [];
  for (const command of commands) {
    out.push(command);
    if (command.type !== 'OpenAccount') continue;
    const { accountId, at } = command;
    const rule = (ruleId: string, fields: Record<string, unknown>): HistoryCommand => ({
      type: 'CreateAlertRule',
      accountId,
      at,
      ruleId,
      scope: 'account',
      ...fields,
    });
    out.push(
      { type: 'RegisterWebhook', accountId, at, webhookId: 'ops', url, secret: SECRET },
      rule('kre-half', { kind: 'usage-threshold', product: 'KRE', threshold: 50 }),
      rule('kre-denied', { kind: 'denials', product: 'KRE', threshold: 1, windowSeconds: 600 }),
      rule('desktop-busy', { kind: 'usage-threshold', product: 'TC_DESKTOP', threshold: 60, windowSeconds: 300 }),
      rule('kse-over', { kind: 'over-allocated', product: 'KSE' }),
      rule('kse-renew', { kind: 'expiring', product: 'KSE', threshold: 30 }),
    );
  }
  return out;
}

/** The alerts a fold of the whole log gives, account by account, with the pure monitor. */
function expectedTransitions(events: readonly StoredEvent[]): AlertTransition[] {
  const monitors = new Map<string, AlertMonitor>();
  const transitions: AlertTransition[] = [];
  for (const event of events) {
    const monitor = monitors.get(event.streamId) ?? new AlertMonitor(LEASE_MS);
    monitors.set(event.streamId, monitor);
    transitions.push(...monitor.fold(asLedgerEvent(decodeStoredEvent(event)), formatPosition(event.position)!));
  }
  return transitions;
}

describe('kill -9 of the projector while it raises alerts and delivers them', () => {
  let receiver: WebhookReceiver;
  const running: ReturnType<typeof startLedger>[] = [];
  const fixture = useFaultFixture('fault_alerts', async () => {
    for (const process of running) process.kill('SIGKILL');
    await receiver?.close();
  });

  const alertsGeneration = async (): Promise<GenerationRecord | undefined> => {
    try {
      return (await readGenerations(fixture().database.kysely(), ['alerts'])).find((g) => g.status === 'active');
    } catch {
      return undefined; // the registry does not exist before the projector's first start
    }
  };

  test(
    'no alert lost or doubled, every delivery arrives under its one id',
    async () => {
      receiver = await startWebhookReceiver();
      const history = createHistory({ commands: 8_000, accounts: 2, seed: 17, end: new Date(Date.now() - 3_600_000).toISOString() });
      const { database } = fixture();
      const env = {
        ...fixture().env,
        LEDGER_SECRET_KEY: Buffer.alloc(32, 9).toString('base64'),
        WEBHOOK_ALLOW_HTTP: '1',
        WEBHOOK_ALLOW_PRIVATE: '1',
        WEBHOOK_RETRY_INITIAL_SECONDS: '0.2',
        WEBHOOK_TIMEOUT_SECONDS: '2',
        REBUILD_BATCH_SIZE: '500',
      };
      const file = fixture().file('history.ndjson');
      await writeNdjson(file, withAlerts(history.commands, receiver.url));
      const imported = await runLedger(['import', file, '--no-wait'], env);
      expect([0, 3]).toContain(imported.code);
      const [{ total }] = await query<{ total: string }>(database, 'SELECT count(*)::text AS total FROM events');

      const first = startLedger(['projections', 'run'], env);
      running.push(first);
      await pollUntil(
        'the alert processor part-way through the log, some alerts delivered',
        async () => {
          const generation = await alertsGeneration();
          if (generation && generation.eventsSeen >= Number(total))
            throw new Error('the alert processor caught up before it could be killed: import more commands');
          return generation && generation.eventsSeen > 0 && receiver.received.length > 0 ? true : undefined;
        },
        120_000,
        5,
      );
      first.kill('SIGKILL');
      expect((await first.exited).signal).toBe('SIGKILL');
      const atKill = (await alertsGeneration())!;
      expect(atKill.eventsSeen).toBeLessThan(Number(total));

      const second = startLedger(['projections', 'run'], env);
      running.push(second);
      const events = (
        await query<{
          position: string;
          stream_id: string;
          stream_revision: string;
          type: string;
          event_id: string;
          data: Record<string, unknown>;
          metadata: StoredEvent['metadata'];
        }>(
          database,
          `SELECT transaction_id::text || '/' || global_position AS position, stream_id, stream_revision::text, type, event_id, data, metadata
       FROM events ORDER BY transaction_id, global_position`,
        )
      ).map((row): StoredEvent => {
        const [commit, prepare] = row.position.split('/');
        return {
          eventId: row.event_id,
          type: row.type,
          data: row.data,
          metadata: row.metadata,
          streamId: row.stream_id,
          streamRevision: BigInt(row.stream_revision),
          position: { commit: BigInt(commit!), prepare: BigInt(prepare!) },
        };
      });
      const expected = expectedTransitions(events);
      const raised = expected.filter((t) => t.type === 'AlertRaised');
      expect(raised.length).toBeGreaterThan(50);
      const expectedDeliveries = new Set(expected.flatMap((t) => t.webhooks.map(() => `${t.alertId}:${t.type}`)));
      try {
        await waitForProjectionsAtLogEnd(database, 180_000);
        await pollUntil(
          'every delivery to arrive',
          async () => {
            const arrived = new Set(receiver.received.filter((r) => r.status === 204).map((r) => String(r.headers['ledger-delivery'])));
            return [...expectedDeliveries].every((id) => arrived.has(id)) ? true : undefined;
          },
          120_000,
          100,
        );
      } finally {
        second.kill('SIGTERM');
        await second.exited;
      }

      // The alerts: exactly those of a fresh fold, each once, raised and cleared at the same instants.
      const generation = (await alertsGeneration())!;
      const rows = await query<{ alert_id: string; rule_id: string; raised_at: Date; cleared_at: Date | null; evidence: string[] }>(
        database,
        `SELECT alert_id, rule_id, raised_at, cleared_at, evidence FROM ${generationSchema(fixture().schema.schema, 'alerts', generation.generation)}.alerts ORDER BY alert_id`,
      );
      const cleared = new Map(expected.filter((t) => t.type === 'AlertCleared').map((t) => [t.alertId, t.at]));
      expect(
        rows.map((r) => ({
          alertId: r.alert_id,
          ruleId: r.rule_id,
          raisedAt: r.raised_at.toISOString(),
          clearedAt: r.cleared_at?.toISOString() ?? null,
        })),
      ).toEqual(
        raised
          .map((t) => ({ alertId: t.alertId, ruleId: t.rule.ruleId, raisedAt: t.at, clearedAt: cleared.get(t.alertId) ?? null }))
          .sort((a, b) => (a.alertId < b.alertId ? -1 : 1)),
      );

      // The deliveries: one outbox row each, all delivered; at the receiver no id it should not get, and a repeat only as the same body.
      const outbox = await query<{ id: string; status: string }>(database, "SELECT alert_id || ':' || event AS id, status FROM webhook_deliveries");
      expect(outbox.length).toBe(expectedDeliveries.size);
      expect(new Set(outbox.map((d) => d.id))).toEqual(expectedDeliveries);
      expect(outbox.filter((d) => d.status !== 'delivered')).toEqual([]);
      const bodies = new Map<string, string>();
      for (const request of receiver.received) {
        const id = String(request.headers['ledger-delivery']);
        expect(expectedDeliveries.has(id)).toBe(true);
        expect(request.headers['ledger-signature']).toBe(`sha256=${createHmac('sha256', SECRET).update(request.body).digest('hex')}`);
        expect(JSON.parse(request.body).deliveryId).toBe(id);
        if (bodies.has(id)) expect(request.body).toBe(bodies.get(id));
        bodies.set(id, request.body);
      }
    },
    PROCESS_TEST_TIMEOUT_MS,
  );
});
