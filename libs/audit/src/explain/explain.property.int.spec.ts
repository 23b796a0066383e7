import { IN_MEMORY, openDatabase, type LedgerDatabase } from '../../../database/src/database.js';
import type { LedgerConfig } from '../../../platform/src/config.js';
import type { LicensesOverview } from '../../../contracts/src/index.js';
import type { SeriesBody } from '../../../contracts/src/index.js';
import { findReport, runReport } from '../../../reports/src/reports.service.js';
import { buildLicensesOverview } from '../../../reports/src/licenses/licenses-overview.js';
import { randomHistory, seededRandom } from '../../../reports/src/testing/random-history.js';
import { projectionHarness } from '../../../reports/src/testing/projection-harness.js';
import { FixedClock } from '../../../../test/support/fixed-clock.js';
import { storedHistory } from '../../../../test/support/stored-history.js';
import { applicationsProjection } from '../../../../projections/applications.projection.js';
import { licensesProjection } from '../../../../projections/licenses.projection.js';
import { seatHistoryProjection } from '../../../../projections/seat-history.projection.js';
import { seatUsageProjection } from '../../../../projections/seat-usage.projection.js';
import { sessionsProjection } from '../../../../projections/sessions.projection.js';
import { ExplainService } from './explain.service.js';
import { LICENSES_METRICS } from './licenses-explain.js';
import { storedLog } from './testing/stored-log.js';
import { ProjectedReportAnswers } from '../../../reports/src/projected-answers.js';

/**
 * Property: on seeded random histories, the number an explanation recomputes from the raw events is
 * the number the projected report shows, for random windows, intervals, scopes, buckets and metrics;
 * and what it lists adds up to it (as many items as a count, quantities summing to a capacity).
 */

const SEEDS = [5, 17, 29, 43];
const ZONES = ['America/New_York', 'Asia/Kolkata', 'UTC', 'Australia/Lord_Howe'];
const LEASE_MS = 900_000;
const REPORTS: Readonly<Record<string, string>> = { 'seat-history': 'KSE', 'seat-usage': 'KSE', 'session-usage': 'KRE', 'aut-usage': 'TRUETEST' };

type Body = Record<string, unknown> & { value: number; warning?: string };

/** What the explanation lists for `metric`, checked against its value. */
function expectListingAddsUp(metric: string, body: Body): void {
  const length = (key: string) => (body[key] as unknown[]).length;
  switch (metric) {
    case 'peakUsage':
      return expect(length('sessions')).toBe(body.value);
    case 'peakActiveApplications':
      return expect(length('applications')).toBe(body.value);
    case 'denied':
      return expect(length('denials')).toBe(body.value);
    case 'assigned':
    case 'activated':
      return expect(length('seats')).toBe(body.value);
    case 'activeUsers':
    case 'peakDailyActive':
      return expect(length('users')).toBe(body.value);
    case 'averagePeak': {
      const peaks = (body.subBuckets as { peak: number }[]).map((s) => s.peak);
      return expect(Math.max(...peaks, 0)).toBeGreaterThanOrEqual(body.value);
    }
    case 'averageDailyActive': {
      const counts = (body.days as { users: unknown[] }[]).map((d) => d.users.length);
      return expect(Math.max(...counts, 0)).toBeGreaterThanOrEqual(body.value);
    }
    default: {
      const quantity =
        body.dedication !== undefined
          ? ((body.dedication as { quantity: number } | null)?.quantity ?? 0)
          : (body.purchases as { quantity: number }[]).reduce((sum, p) => sum + p.quantity, 0);
      return expect(quantity).toBe(body.value);
    }
  }
}

describe('explain agrees with the projected reports on random histories', () => {
  let database: LedgerDatabase;
  beforeAll(async () => {
    database = await openDatabase({ dataDir: IN_MEMORY });
  });
  afterAll(() => database.close());

  it.each(SEEDS.map((seed, i) => [seed, ZONES[i]!]))(
    'seed %i (%s)',
    async (seed, zone) => {
      const history = randomHistory(seed, { steps: 220, timezone: zone });
      const events = storedHistory(history.commands, { onRejected: 'skip', leaseMs: LEASE_MS });
      const rnd = seededRandom(seed * 7 + 1);
      const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;
      const now = history.end + Math.floor(rnd() * 40) * 60_000;
      const harness = await projectionHarness(
        [sessionsProjection, applicationsProjection, seatHistoryProjection, seatUsageProjection, licensesProjection],
        events,
        { database, leaseMs: LEASE_MS },
      );
      try {
        const context = harness.context(now);
        const explain = new ExplainService(
          new ProjectedReportAnswers(harness.reader, { sessionLeaseSeconds: LEASE_MS / 1000 }),
          storedLog(events),
          new FixedClock(now),
          { sessionLeaseSeconds: LEASE_MS / 1000 } as LedgerConfig,
        );
        let explained = 0;
        for (const [name, product] of Object.entries(REPORTS)) {
          for (const interval of ['hour', 'day', 'week', 'month']) {
            const parameters: Record<string, string> = {
              accountId: 'acme',
              product,
              from: '2026-02-27',
              to: interval === 'hour' ? '2026-03-03' : '2026-03-09',
              interval,
              ...(rnd() < 0.4 ? { orgId: pick(history.orgIds) } : {}),
            };
            const definition = findReport(name);
            const projected = (await runReport(definition, parameters, context)) as SeriesBody;
            const candidates = projected.buckets!.filter((b) => Object.keys(b).some((k) => k !== 'start' && k !== 'end' && b[k] !== 0));
            const chosen = [
              ...new Set([
                pick(projected.buckets!),
                ...Array.from({ length: 3 }, () => pick(candidates.length > 0 ? candidates : projected.buckets!)),
              ]),
            ];
            for (const bucket of chosen) {
              for (const metric of definition.columns!) {
                const body = (await explain.explainReport(name, { ...parameters, bucket: bucket.start, metric })) as Body;
                expect({ name, parameters, bucket: bucket.start, metric, value: body.value, warning: body.warning }).toEqual({
                  name,
                  parameters,
                  bucket: bucket.start,
                  metric,
                  value: bucket[metric],
                  warning: undefined,
                });
                expectListingAddsUp(metric, body);
                explained += 1;
              }
            }
          }
        }
        const overview: LicensesOverview = await buildLicensesOverview({ accountId: 'acme' }, context);
        for (const line of overview.products) {
          for (const scope of line.scopes) {
            for (const metric of LICENSES_METRICS) {
              const body = (await explain.explainLicenses({ accountId: 'acme', product: line.product, scope: scope.scope, metric })) as Body;
              const shown = metric === 'purchased' ? line.purchased : scope[metric];
              expect({ product: line.product, scope: scope.scope, metric, value: body.value, warning: body.warning }).toEqual({
                product: line.product,
                scope: scope.scope,
                metric,
                value: shown,
                warning: undefined,
              });
              if (metric === 'used') {
                const units = body.units as Record<string, unknown[]>;
                expect(Object.values(units).reduce((n, list) => n + list.length, 0)).toBe(body.value);
              }
              if (metric === 'offline') expect((body.offlineLicenses as unknown[]).length).toBe(body.value);
            }
          }
        }
        expect(explained).toBeGreaterThan(40);
      } finally {
        await harness.close();
      }
    },
    300_000,
  );
});
