import { randomUUID } from 'node:crypto';
import { freshTestSchema, type TestSchema } from '../../../database/src/testing/test-postgres.js';
import type { LedgerDatabase } from '../../../database/src/database.js';
import type { StoredEvent } from '../../../event-store/src/event-store.js';
import { sessionsProjection } from '../../../../projections/sessions.projection.js';
import { runReport } from '../reports.service.js';
import { projectionHarness, type ProjectionHarness } from '../testing/projection-harness.js';
import { seededRandom } from '../testing/random-history.js';
import { sessionUsageReport } from './session-usage.js';
import { sessionsReport } from './sessions-table.js';

/**
 * Scale check (LEDGER_SCALE=1 to run; LEDGER_SCALE_EVENTS to size it, default 1 000 000): a year of
 * KRE sessions with heartbeats every 10 minutes folded through the sessions projection, then the
 * session-usage and sessions queries timed (p95 over repeated runs). In embedded PGlite, or in
 * PostgreSQL with LEDGER_SCALE_POSTGRES=1 (TEST_DATABASE_URL).
 */
const enabled = process.env.LEDGER_SCALE === '1';
const TARGET = Number(process.env.LEDGER_SCALE_EVENTS ?? 1_000_000);

function syntheticLog(target: number): StoredEvent[] {
  const rnd = seededRandom(42);
  const raw: { at: number; type: string; data: Record<string, unknown> }[] = [];
  const t0 = Date.parse('2025-03-01T05:00:00Z');
  raw.push({ at: t0 - 86_400_000, type: 'AccountOpened', data: { accountId: 'acme', name: 'Acme', timezone: 'America/New_York' } });
  const orgs: string[] = [];
  for (let i = 0; i < 20; i++) {
    orgs.push(`o${i}`);
    raw.push({
      at: t0 - 86_000_000 + i,
      type: 'OrganizationCreated',
      data: { orgId: `o${i}`, name: `Org ${i}`, parentOrgId: i < 5 ? null : `o${i % 5}` },
    });
  }
  for (let u = 0; u < 500; u++) {
    raw.push({
      at: t0 - 85_000_000 + u,
      type: 'UserRegistered',
      data: { userId: `u${u}`, email: `u${u}@acme.example`, fullName: `User ${u}`, orgId: orgs[u % 20] },
    });
  }
  raw.push({
    at: t0 - 80_000_000,
    type: 'LicensesPurchased',
    data: { purchaseId: 'p1', product: 'KRE', quantity: 40, startsAt: '2025-01-01T00:00:00Z', expiresAt: '2027-01-01T00:00:00Z', machineQuota: null },
  });
  for (let i = 0; i < 5; i++)
    raw.push({ at: t0 - 79_000_000 + i, type: 'LicensesDedicated', data: { product: 'KRE', orgId: `o${i}`, quantity: 5, previousQuantity: 0 } });
  let sessions = 0;
  const perSessionEvents = 8;
  const count = Math.floor(target / perSessionEvents);
  const span = 365 * 86_400_000;
  for (let s = 0; s < count; s++) {
    const start = t0 + Math.floor((rnd() * span) / 1000) * 1000;
    const minutes = 5 + Math.floor(rnd() * 110);
    const sessionId = `s${sessions++}`;
    const user = `u${Math.floor(rnd() * 500)}`;
    raw.push({
      at: start,
      type: 'SessionStarted',
      data: { product: 'KRE', sessionId, userId: user, machineId: `m${Math.floor(rnd() * 2000)}`, licenseType: 'online', licenseSource: 'account' },
    });
    for (let m = 10; m < minutes; m += 10)
      raw.push({ at: start + m * 60_000, type: 'SessionHeartbeatRecorded', data: { sessionId, product: 'KRE' } });
    if (rnd() < 0.9)
      raw.push({
        at: start + minutes * 60_000,
        type: 'SessionEnded',
        data: { sessionId, product: 'KRE', endedAt: new Date(start + minutes * 60_000).toISOString() },
      });
    else {
      const lastSeen = start + Math.floor((minutes - 1) / 10) * 10 * 60_000;
      raw.push({
        at: lastSeen + 900_000 + 60_000,
        type: 'SessionExpired',
        data: { sessionId, product: 'KRE', endedAt: new Date(lastSeen + 900_000).toISOString() },
      });
    }
    if (rnd() < 0.05)
      raw.push({
        at: start + 1,
        type: 'SessionDenied',
        data: { product: 'KRE', sessionId: `d${s}`, userId: user, machineId: 'mx', reason: 'CONCURRENCY_LIMIT_REACHED', licenseSource: 'account' },
      });
  }
  raw.sort((a, b) => a.at - b.at);
  return raw.map((e, i) => ({
    eventId: randomUUID(),
    type: e.type,
    data: e.data,
    streamId: 'account-acme',
    streamRevision: BigInt(i),
    position: { commit: BigInt(i + 1), prepare: BigInt(i + 1) },
    metadata: {
      commandId: null,
      correlationId: 'scale',
      causationId: null,
      actor: 'test',
      occurredAt: new Date(e.at).toISOString(),
      recordedAt: new Date(e.at).toISOString(),
      schemaVersion: 1,
    },
  }));
}

(enabled ? describe : describe.skip)(`sessions projection and reports at scale (${TARGET} events)`, () => {
  let harness: ProjectionHarness;
  let postgres: { schema: TestSchema; database: LedgerDatabase } | null = null;
  const NOW = Date.parse('2026-03-01T12:00:00Z');
  beforeAll(async () => {
    if (process.env.LEDGER_SCALE_POSTGRES === '1') {
      const schema = freshTestSchema('scale');
      postgres = { schema, database: await schema.open() };
    }
    const log = syntheticLog(TARGET);
    const started = Date.now();
    harness = await projectionHarness([sessionsProjection], log, { batchSize: 1000, ...(postgres ? { database: postgres.database } : {}) });
    console.log(`folded ${log.length} events in ${((Date.now() - started) / 1000).toFixed(1)} s (${postgres ? 'PostgreSQL' : 'PGlite'})`);
  }, 3_600_000);
  afterAll(async () => {
    await harness?.close();
    if (postgres) {
      await postgres.database.close();
      await postgres.schema.drop();
    }
  });

  async function p95(label: string, run: () => Promise<unknown>, times = 20): Promise<number> {
    await run();
    const samples: number[] = [];
    for (let i = 0; i < times; i++) {
      const t = performance.now();
      await run();
      samples.push(performance.now() - t);
    }
    samples.sort((a, b) => a - b);
    const value = samples[Math.ceil(samples.length * 0.95) - 1]!;
    console.log(`${label}: p50 ${samples[Math.floor(samples.length / 2)]!.toFixed(1)} ms, p95 ${value.toFixed(1)} ms`);
    return value;
  }

  const usage = (params: Record<string, string>) => () =>
    runReport(sessionUsageReport, { accountId: 'acme', product: 'KRE', ...params }, harness.context(NOW));
  const table = (params: Record<string, string>) => () =>
    runReport(sessionsReport, { accountId: 'acme', product: 'KRE', ...params }, harness.context(NOW));

  it('times the queries', async () => {
    const results = [
      await p95('session-usage day × 31 (account)', usage({ from: '2026-01-01', to: '2026-01-31', interval: 'day' })),
      await p95('session-usage day × 31 (org o1 subtree)', usage({ from: '2026-01-01', to: '2026-01-31', interval: 'day', orgId: 'o1' })),
      await p95('session-usage hour × 7 days', usage({ from: '2026-01-05', to: '2026-01-11', interval: 'hour' })),
      await p95('session-usage week × 13', usage({ from: '2025-12-01', to: '2026-02-28', interval: 'week' })),
      await p95('session-usage month × 12', usage({ from: '2025-03-01', to: '2026-02-28', interval: 'month' })),
      await p95('session-usage day × 365', usage({ from: '2025-03-01', to: '2026-02-28', interval: 'day' }), 5),
      await p95('session-usage groupBy=org month × 12', usage({ from: '2025-03-01', to: '2026-02-28', interval: 'month', groupBy: 'org' }), 5),
      await p95('sessions page 1', table({})),
      await p95('sessions q=User 17', table({ q: 'User 17' })),
      await p95('sessions status=expired sort=-durationSeconds', table({ status: 'expired', sort: '-durationSeconds' })),
      await p95('sessions orgId=o2 from/to', table({ orgId: 'o2', from: '2026-01-01', to: '2026-01-31' })),
      await p95('sessions page 500', table({ page: '500' })),
    ];
    expect(results.length).toBeGreaterThan(0);
  }, 3_600_000);
});
