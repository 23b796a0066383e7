import { performance } from 'node:perf_hooks';
import { DateTime } from 'luxon';
import type { LedgerCommand } from '../../../domain/src/commands.js';
import type { StoredEvent } from '../../../event-store/src/event-store.js';
import { parseCommand } from '../../../ledger/src/validation/parse-command.js';
import { openDatabase } from '../../../database/src/database.js';
import { TEST_DATABASE_URL } from '../../../database/src/testing/test-postgres.js';
import { createHistory } from '../../../history-generator/src/generate-history.js';
import { storedHistory } from '../../../../test/support/stored-history.js';
import { assignmentsProjection } from '../../../../projections/assignments.projection.js';
import { seatHistoryProjection } from '../../../../projections/seat-history.projection.js';
import { seatUsageProjection } from '../../../../projections/seat-usage.projection.js';
import { findReport, runReport } from '../reports.service.js';
import { projectionHarness, type ProjectionHarness } from '../testing/projection-harness.js';
import { query } from '../../../database/src/testing/query.js';

/**
 * Opt-in benchmark of the seat reports at scale (SEAT_BENCH=1; SEAT_BENCH_COMMANDS, default 1,000,000;
 * SEAT_BENCH_ACCOUNTS, default 2): a generated history through the real decider, folded into
 * PostgreSQL by the seat projections, then each report query timed (p50 / p95 over repeated runs).
 *
 *   SEAT_BENCH=1 node --experimental-vm-modules node_modules/jest/bin/jest.js libs/reports/src/seat/seat-reports.bench.spec.ts
 */
const enabled = process.env.SEAT_BENCH === '1';
const COMMANDS = Number(process.env.SEAT_BENCH_COMMANDS ?? 1_000_000);
const ACCOUNTS = Number(process.env.SEAT_BENCH_ACCOUNTS ?? 2);
const RUNS = 30;

(enabled ? describe : describe.skip)(`seat reports at ${COMMANDS} commands`, () => {
  /** SEAT_BENCH_REUSE=<suffix>: time the reports on the tables a run with SEAT_BENCH_KEEP=1 left (no generation, no fold). */
  const reuse = process.env.SEAT_BENCH_REUSE;
  const keep = process.env.SEAT_BENCH_KEEP === '1';
  let harness: ProjectionHarness;
  let accountId: string;
  let zoneEnd: DateTime;
  let events: StoredEvent[];

  beforeAll(async () => {
    const started = performance.now();
    if (reuse) {
      const database = await openDatabase({ databaseUrl: TEST_DATABASE_URL });
      harness = await projectionHarness([seatHistoryProjection, seatUsageProjection, assignmentsProjection], [], {
        database,
        schemaSuffix: reuse,
        reuseSchemas: true,
      });
      accountId = process.env.SEAT_BENCH_ACCOUNT ?? 'acct-001';
      zoneEnd = DateTime.fromISO('2026-10-01T00:00:00Z').setZone(process.env.SEAT_BENCH_ZONE ?? 'America/New_York');
      return;
    }
    const history = createHistory({ commands: COMMANDS, accounts: ACCOUNTS, days: 120, end: '2026-10-01T00:00:00Z' });
    const commands: LedgerCommand[] = [];
    for (const raw of history.commands) commands.push(parseCommand(raw) as unknown as LedgerCommand);
    events = storedHistory(commands, { onRejected: 'skip' });
    log(
      `${commands.length} commands → ${events.length} events in ${seconds(started)} s; ${history.accounts.map((a) => `${a.accountId} ${a.users} users ${a.timezone}`).join(', ')}`,
    );
    accountId = history.accounts[0]!.accountId;
    zoneEnd = DateTime.fromISO('2026-10-01T00:00:00Z').setZone(history.accounts[0]!.timezone);
    const database = await openDatabase({ databaseUrl: TEST_DATABASE_URL });
    const folding = performance.now();
    const schemaSuffix = `bench_${process.pid}`;
    harness = await projectionHarness([seatHistoryProjection, seatUsageProjection, assignmentsProjection], events, {
      database,
      batchSize: 1000,
      schemaSuffix,
    });
    await query(database, 'ANALYZE');
    log(
      `folded into PostgreSQL in ${seconds(folding)} s (${Math.round(events.length / ((performance.now() - folding) / 1000))} events/s, 3 projections)`,
    );
  }, 3_600_000);
  afterAll(async () => {
    if (!keep && !reuse) await harness?.close();
    else
      process.stderr.write(
        `[seat-bench] kept: SEAT_BENCH_REUSE=${reuse ?? `bench_${process.pid}`} SEAT_BENCH_ACCOUNT=${accountId} SEAT_BENCH_ZONE=${zoneEnd.zoneName}\n`,
      );
    await harness?.database.close();
  }, 600_000);

  const day = (offset: number) => zoneEnd.minus({ days: offset }).toISODate()!;
  const cases: [string, string, Record<string, unknown>][] = [
    ['seat-history month ×4', 'seat-history', { product: 'KSE', from: '', to: '', interval: 'month' }],
    ['seat-history day ×120', 'seat-history', { product: 'KSE', interval: 'day' }],
    ['seat-history hour ×744', 'seat-history', { product: 'KSE', interval: 'hour', window: 31 }],
    ['seat-history day, groupBy org', 'seat-history', { product: 'KSE', interval: 'day', groupBy: 'org' }],
    ['seat-usage day ×120', 'seat-usage', { product: 'KSE', interval: 'day' }],
    ['seat-usage week, groupBy org', 'seat-usage', { product: 'KSE', interval: 'week', groupBy: 'org' }],
    ['seat-usage hour ×744', 'seat-usage', { product: 'KSE', interval: 'hour', window: 31 }],
    ['assignments page 1', 'assignments', { product: 'KSE' }],
    ['assignments q + sort lastActiveUse', 'assignments', { product: 'KSE', q: 'an', sort: '-lastActiveUse', page: '2' }],
  ];

  it.each(cases)(
    '%s',
    async (_label, name, params) => {
      const { window, ...rest } = params as { window?: number } & Record<string, unknown>;
      const definition = findReport(name);
      const full = { accountId, ...rest, ...(definition.shape === 'series' ? { from: day(window ?? 120), to: day(1) } : {}) };
      const now = Date.parse('2026-10-01T00:00:00Z');
      const samples: number[] = [];
      for (let i = 0; i < RUNS; i += 1) {
        const t = performance.now();
        await runReport(definition, full, harness.context(now));
        samples.push(performance.now() - t);
      }
      samples.sort((a, b) => a - b);
      const p = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))]!.toFixed(1);
      log(`${_label}: p50 ${p(0.5)} ms, p95 ${p(0.95)} ms`);
    },
    600_000,
  );
});

function seconds(since: number): string {
  return ((performance.now() - since) / 1000).toFixed(1);
}

function log(message: string): void {
  process.stderr.write(`[seat-bench] ${message}\n`);
}
