import type { LedgerCommand } from '../../libs/domain/src/index.js';
import { commandsOf } from '../../libs/domain/src/testing/command-builders.js';
import { storedLog } from '../../libs/audit/src/explain/testing/stored-log.js';
import type { StoredEvent } from '../../libs/event-store/src/event-store.js';
import { IN_MEMORY, openDatabase, type LedgerDatabase } from '../../libs/database/src/database.js';
import { projectionHarness, type ProjectionHarness } from '../../libs/reports/src/testing/projection-harness.js';
import { AlertsProcessor } from '../../projections/alerts.processor.js';
import type { AlertTables } from '../../projections/alerts/alert-tables.js';
import { storedHistory } from '../support/stored-history.js';
import { query } from '../../libs/database/src/testing/query.js';

/**
 * The alert processor as the engine runs it (prepare, then apply in a transaction, batch by batch):
 * the alerts and outbox rows depend only on the log — not on batch sizes, not on a restart that loses
 * the monitors in memory — and folding the log again into a new generation delivers nothing twice.
 */

function account(accountId: string): LedgerCommand[] {
  return [
    commandsOf(accountId)('OpenAccount', '2026-03-01T00:00:00Z', { name: accountId, timezone: 'UTC' }),
    commandsOf(accountId)('CreateOrganization', '2026-03-01T00:01:00Z', { orgId: 'qa', name: 'QA' }),
    ...['u1', 'u2', 'u3'].map((userId, i) =>
      commandsOf(accountId)('RegisterUser', `2026-03-01T00:0${2 + i}:00Z`, {
        userId,
        email: `${userId}@${accountId}.example`,
        fullName: userId,
        orgId: 'qa',
      }),
    ),
    commandsOf(accountId)('PurchaseLicenses', '2026-03-01T01:00:00Z', {
      purchaseId: 'p1',
      product: 'KRE',
      quantity: 2,
      startsAt: '2026-03-01T00:00:00Z',
      expiresAt: '2026-04-01T00:00:00Z',
    }),
  ];
}

/** Two accounts with rules and webhooks, one without, interleaved in the log; sessions fill and empty the pools for a day. */
function history(): StoredEvent[] {
  const commands: LedgerCommand[] = [...account('acme'), ...account('globex'), ...account('initech')];
  for (const accountId of ['acme', 'globex']) {
    commands.push(
      commandsOf(accountId)('RegisterWebhook', '2026-03-01T02:00:00Z', {
        webhookId: 'w1',
        url: 'https://hooks.example.com/a',
        secretFingerprint: 'f1',
      }),
      commandsOf(accountId)('RegisterWebhook', '2026-03-01T02:01:00Z', {
        webhookId: 'w2',
        url: 'https://hooks.example.com/b',
        secretFingerprint: 'f2',
      }),
      commandsOf(accountId)('CreateAlertRule', '2026-03-01T03:00:00Z', {
        ruleId: 'full',
        kind: 'usage-threshold',
        product: 'KRE',
        scope: 'account',
        threshold: 100,
        windowSeconds: 300,
      }),
      commandsOf(accountId)('CreateAlertRule', '2026-03-01T03:01:00Z', {
        ruleId: 'denied',
        kind: 'denials',
        product: 'KRE',
        scope: 'account',
        threshold: 1,
        windowSeconds: 600,
      }),
    );
  }
  for (let hour = 0; hour < 24; hour++) {
    const at = (minute: number) => `2026-03-02T${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}:00Z`;
    for (const accountId of ['acme', 'globex', 'initech']) {
      commands.push(
        commandsOf(accountId)('StartSession', at(0), { product: 'KRE', sessionId: `a${hour}`, userId: 'u1', machineId: 'm1' }),
        commandsOf(accountId)('StartSession', at(1), { product: 'KRE', sessionId: `b${hour}`, userId: 'u2', machineId: 'm2' }),
        commandsOf(accountId)('StartSession', at(2), { product: 'KRE', sessionId: `c${hour}`, userId: 'u3', machineId: 'm3' }),
      );
      if (hour % 3 !== 0) commands.push(commandsOf(accountId)('HeartbeatSession', at(7 + (hour % 5)), { sessionId: `a${hour}` }));
      commands.push(commandsOf(accountId)('EndSession', at(30), { sessionId: `b${hour}` }));
      if (hour % 2 === 0) commands.push(commandsOf(accountId)('EndSession', at(31), { sessionId: `a${hour}` }));
    }
  }
  commands.push(
    commandsOf('globex')('RemoveWebhook', '2026-03-03T00:00:00Z', { webhookId: 'w2' }),
    commandsOf('acme')('RemoveAlertRule', '2026-03-03T00:01:00Z', { ruleId: 'full' }),
  );
  return storedHistory(
    commands.sort((a, b) => a.at.localeCompare(b.at)),
    { onRejected: 'skip' },
  );
}

interface Snapshot {
  readonly alerts: unknown[];
  readonly rules: unknown[];
  readonly webhooks: unknown[];
}

async function snapshot(harness: ProjectionHarness): Promise<Snapshot> {
  const {
    db: { kysely: db },
  } = await harness.reader.reader<AlertTables>('alerts');
  return {
    alerts: await db.selectFrom('alerts').selectAll().orderBy('account_id').orderBy('alert_id').execute(),
    rules: await db.selectFrom('alert_rules').selectAll().orderBy('account_id').orderBy('rule_id').execute(),
    webhooks: await db.selectFrom('webhooks').selectAll().orderBy('account_id').orderBy('webhook_id').execute(),
  };
}

const outbox = (database: LedgerDatabase) =>
  query<{ account_id: string; webhook_id: string; alert_id: string; event: string; status: string; payload: string }>(
    database,
    'SELECT account_id, webhook_id, alert_id, event, status, payload FROM webhook_deliveries ORDER BY account_id, alert_id, event, webhook_id',
  );

describe('the alert processor', () => {
  const events = history();
  let database: LedgerDatabase;
  let reference: ProjectionHarness;
  let expected: Snapshot;

  beforeAll(async () => {
    database = await openDatabase({ dataDir: IN_MEMORY });
    reference = await projectionHarness([new AlertsProcessor(storedLog(events))], events, { database, batchSize: 10_000, schemaSuffix: 'whole' });
    expected = await snapshot(reference);
  });
  afterAll(() => database.close());

  it('lists every webhook and rule as the log left them', () => {
    expect((expected.webhooks as AlertTables['webhooks'][]).map((w) => [w.account_id, w.webhook_id, w.removed_at === null])).toEqual([
      ['acme', 'w1', true],
      ['acme', 'w2', true],
      ['globex', 'w1', true],
      ['globex', 'w2', false],
    ]);
    expect((expected.rules as AlertTables['alert_rules'][]).map((r) => [r.account_id, r.rule_id, r.removed_at === null])).toEqual([
      ['acme', 'denied', true],
      ['acme', 'full', false],
      ['globex', 'denied', true],
      ['globex', 'full', true],
    ]);
  });

  it('raises and clears alerts of the accounts with rules only, each with its evidence', async () => {
    const alerts = expected.alerts as AlertTables['alerts'][];
    expect(new Set(alerts.map((a) => a.account_id))).toEqual(new Set(['acme', 'globex']));
    expect(alerts.filter((a) => a.kind === 'usage-threshold').length).toBeGreaterThan(10);
    expect(alerts.filter((a) => a.kind === 'denials').length).toBeGreaterThan(10);
    for (const alert of alerts) expect(alert.evidence.length).toBeGreaterThan(0);
    // acme's usage rule was removed: its last alert was cleared then, and none came after.
    const acmeUsage = alerts.filter((a) => a.account_id === 'acme' && a.rule_id === 'full');
    expect(acmeUsage.every((a) => a.cleared_at !== null)).toBe(true);
  });

  it('writes one delivery per transition and webhook registered at the time, in the same transaction', async () => {
    const alerts = expected.alerts as AlertTables['alerts'][];
    const transitions = alerts.length + alerts.filter((a) => a.cleared_at !== null).length;
    const deliveries = await outbox(database);
    expect(deliveries.length).toBeGreaterThan(transitions); // two webhooks for most of them
    expect(deliveries.length).toBeLessThanOrEqual(2 * transitions);
    const payload = JSON.parse(deliveries[0]!.payload) as Record<string, unknown>;
    expect(payload).toMatchObject({ deliveryId: `${deliveries[0]!.alert_id}:${deliveries[0]!.event}`, alertId: deliveries[0]!.alert_id });
    // globex's w2 was removed on 03-03: nothing pending is left for it.
    expect(deliveries.filter((d) => d.account_id === 'globex' && d.webhook_id === 'w2' && d.status === 'pending')).toEqual([]);
  });

  it.each([3, 7, 250])('gives the same tables folded in batches of %i events', async (batchSize) => {
    const harness = await projectionHarness([new AlertsProcessor(storedLog(events))], events, { database, batchSize, schemaSuffix: `b${batchSize}` });
    expect(await snapshot(harness)).toEqual(expected);
  });

  it('gives the same tables when a new process (its monitors not in memory) goes on where the last one stopped', async () => {
    const half = Math.floor(events.length / 2);
    const first = await projectionHarness([new AlertsProcessor(storedLog(events))], events.slice(0, half), {
      database,
      batchSize: 100,
      schemaSuffix: 'restart',
    });
    const halfway = await snapshot(first);
    expect(halfway.alerts.length).toBeGreaterThan(0);
    expect(halfway.alerts.length).toBeLessThan(expected.alerts.length);
    const log = storedLog(events);
    const streamsRead: string[] = [];
    const counting = {
      ...log,
      readStream: (streamId: string, from?: bigint, max?: number) => (streamsRead.push(streamId), log.readStream(streamId, from, max)),
    };
    const second = await projectionHarness([new AlertsProcessor(counting)], [], {
      database,
      batchSize: 100,
      schemaSuffix: 'restart',
      reuseSchemas: true,
    });
    await second.fold(events.slice(half));
    expect(await snapshot(second)).toEqual(expected);
    // The new process rebuilt each tracked account's monitor once, from its own stream; the account without rules was never read.
    expect(streamsRead.sort()).toEqual(['account-acme', 'account-globex']);
  });

  it('folding the log again (a rebuild) adds no delivery: every outbox row is unique per webhook, alert and transition', async () => {
    const before = await outbox(database);
    await projectionHarness([new AlertsProcessor(storedLog(events))], events, { database, batchSize: 500, schemaSuffix: 'again' });
    expect(await outbox(database)).toEqual(before);
  });
});
