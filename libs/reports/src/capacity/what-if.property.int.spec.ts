import { storedHistory } from '../../../../test/support/stored-history.js';
import { applicationsProjection } from '../../../../projections/applications.projection.js';
import { capacityProjection } from '../../../../projections/capacity.projection.js';
import { sessionsProjection } from '../../../../projections/sessions.projection.js';
import { IN_MEMORY, openDatabase, type LedgerDatabase } from '../../../database/src/database.js';
import { runReport } from '../reports.service.js';
import type { SeriesBody } from '../report-definition.js';
import { autUsageReport } from '../sessions/aut-usage.js';
import { randomHistory } from '../testing/random-history.js';
import { sessionUsageReport } from '../sessions/session-usage.js';
import { projectionHarness } from '../testing/projection-harness.js';
import type { WhatIfBody } from './bodies.js';
import { usageNames, whatIfReport } from './what-if.report.js';

/**
 * SPEC §8.1: with no hypothesis the replay reproduces §4.5 (§4.6) exactly. Random histories (org trees,
 * moves, dedications and their changes, purchases expiring and amended, offline licenses, lapsed
 * leases, denials) are folded into the projections; for every product, scope, interval and window —
 * also windows starting while sessions are open — the what-if figures equal session-usage's (aut-usage's),
 * every accepted session is admitted and every denied attempt refused.
 */
const LEASE = 600_000;
const zones = ['America/New_York', 'Asia/Kolkata', 'UTC'];

describe('what-if with no hypothesis reproduces the usage reports', () => {
  let database: LedgerDatabase;
  beforeAll(async () => {
    database = await openDatabase({ dataDir: IN_MEMORY });
  });
  afterAll(() => database.close());

  it.each([21, 22, 23, 24, 25, 26])('random history, seed %i', async (seed) => {
    const timezone = zones[seed % zones.length]!;
    const history = randomHistory(seed, { steps: 300, timezone });
    const events = storedHistory(history.commands, { onRejected: 'skip', leaseMs: LEASE });
    const harness = await projectionHarness([capacityProjection, sessionsProjection, applicationsProjection], events, {
      database,
      batchSize: 1 + ((seed * 37) % 70),
      leaseMs: LEASE,
    });
    try {
      let compared = 0;
      for (const now of [history.end, history.end + 7 * 60_000 + 13_000]) {
        for (const product of ['KRE', 'TC_DESKTOP', 'TRUETEST'] as const) {
          const usageReport = product === 'TRUETEST' ? autUsageReport : sessionUsageReport;
          const names = usageNames(product);
          for (const orgId of [null, ...history.orgIds]) {
            for (const [from, interval] of [
              ['2026-02-28', 'hour'],
              ['2026-03-01', 'day'],
              ['2026-03-02', 'hour'],
              ['2026-02-23', 'week'],
            ] as const) {
              const params = { accountId: 'acme', product, from, to: '2026-03-05', interval, ...(orgId ? { orgId } : {}) };
              const whatIf = (await runReport(whatIfReport, params, harness.context(now))) as WhatIfBody;
              const real = (await runReport(usageReport, params, harness.context(now))) as SeriesBody;
              const context = { seed, timezone, product, orgId, from, interval, now };
              const replayed = whatIf.buckets.map((b) => ({ peak: b[names.peak], averagePeak: b.averagePeak, denied: b.denied, actual: b.actual }));
              // aut-usage has no `denied`: TrueTest's real denials are checked by the refusals below.
              const realDenied = (i: number) => (product === 'TRUETEST' ? whatIf.buckets[i]!.actual.denied : real.buckets![i]!.denied);
              const expected = real.buckets!.map((b, i) => ({
                peak: b[names.peak],
                averagePeak: b.averagePeak,
                denied: realDenied(i),
                actual: { [names.capacity]: b[names.capacity], [names.peak]: b[names.peak], averagePeak: b.averagePeak, denied: realDenied(i) },
              }));
              expect({ ...context, buckets: replayed }).toEqual({ ...context, buckets: expected });
              // Every accepted session admitted, every denial refused: refused = the real denials.
              const realDenials = whatIf.buckets.reduce((n, b) => n + b.actual.denied!, 0);
              expect({ ...context, refused: whatIf.refused }).toEqual({ ...context, refused: realDenials });
              compared += whatIf.buckets.filter((b) => Number(b[names.peak]) > 0).length;
            }
          }
        }
      }
      expect(compared).toBeGreaterThan(0);
    } finally {
      await harness.close();
    }
  });
});
