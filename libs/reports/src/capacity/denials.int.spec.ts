import { storedHistory } from '../../../../test/support/stored-history.js';
import { capacityProjection } from '../../../../projections/capacity.projection.js';
import { sessionsProjection } from '../../../../projections/sessions.projection.js';
import { runReport } from '../reports.service.js';
import { projectionHarness, type ProjectionHarness } from '../testing/projection-harness.js';
import type { SeriesBody } from '../report-definition.js';
import { sessionUsageReport } from '../sessions/session-usage.js';
import { denialsReport } from './denials.report.js';
import { DENIALS_HISTORY as HISTORY } from '../testing/capacity-histories.js';

const LATER = Date.parse('2026-04-01T00:00:00Z');
type Figures = { attempts: number; uniqueUsers: number; trueDenials: number; unmetUsers: number };

describe('denials: retries folded into true denials, unmet users (Asia/Kolkata)', () => {
  let harness: ProjectionHarness;
  beforeAll(async () => {
    harness = await projectionHarness([capacityProjection, sessionsProjection], storedHistory(HISTORY, { onRejected: 'skip' }), { batchSize: 5 });
  });
  afterAll(() => harness.close());
  const denials = async (params: Record<string, string>) =>
    (await runReport(denialsReport, { accountId: 'acme', product: 'KRE', interval: 'day', ...params }, harness.context(LATER))) as SeriesBody;
  const figures = (body: SeriesBody): Figures[] => body.buckets!.map(({ start: _s, end: _e, ...f }) => f as Figures);

  it('counts per local day; a retry after local midnight folds into the denial before it', async () => {
    const body = await denials({ from: '2026-03-02', to: '2026-03-03' });
    expect(body).toMatchObject({ report: 'denials', retryWindow: 600, timezone: 'Asia/Kolkata' });
    expect(body.buckets!.map((b) => b.start)).toEqual(['2026-03-02T00:00:00.000+05:30', '2026-03-03T00:00:00.000+05:30']);
    // 2 March: d1–d6; counted d1, d4 (11 min after d1), d5, d6; u3's d5 was met by s3 at 04:38, u2's last (d6) was not.
    expect(figures(body)).toEqual([
      { attempts: 6, uniqueUsers: 2, trueDenials: 4, unmetUsers: 1 },
      { attempts: 1, uniqueUsers: 1, trueDenials: 0, unmetUsers: 1 },
    ]);
  });

  it('reports attempts equal to session-usage denied', async () => {
    const body = await denials({ from: '2026-03-02', to: '2026-03-03' });
    const usage = (await runReport(
      sessionUsageReport,
      { accountId: 'acme', product: 'KRE', interval: 'day', from: '2026-03-02', to: '2026-03-03' },
      harness.context(LATER),
    )) as SeriesBody;
    expect(body.buckets!.map((b) => b.attempts)).toEqual(usage.buckets!.map((b) => b.denied));
  });

  it('folds from before `from`', async () => {
    expect(figures(await denials({ from: '2026-03-03', to: '2026-03-03' }))).toEqual([
      { attempts: 1, uniqueUsers: 1, trueDenials: 0, unmetUsers: 1 },
    ]);
  });

  it('with retryWindow=300: d2 folds (300 s inclusive), d3 counts, d4 folds, d7 counts; u3 waited 8 minutes: unmet', async () => {
    const body = await denials({ from: '2026-03-02', to: '2026-03-03', retryWindow: '300' });
    expect(body).toMatchObject({ retryWindow: 300 });
    expect(figures(body)).toEqual([
      { attempts: 6, uniqueUsers: 2, trueDenials: 4, unmetUsers: 2 },
      { attempts: 1, uniqueUsers: 1, trueDenials: 1, unmetUsers: 1 },
    ]);
  });

  it('for a scope counts its users only (qa: u2)', async () => {
    expect(figures(await denials({ from: '2026-03-02', to: '2026-03-02', orgId: 'qa' }))).toEqual([
      { attempts: 5, uniqueUsers: 1, trueDenials: 3, unmetUsers: 1 },
    ]);
  });

  it('by hour: d1–d4 fall in the 09:00 local hour (04:10Z is 09:40 local), d5 at 10:00 local', async () => {
    const body = await denials({ from: '2026-03-02', to: '2026-03-02', interval: 'hour' });
    const nine = body.buckets!.find((b) => b.start === '2026-03-02T09:00:00.000+05:30')!;
    expect(nine).toMatchObject({ attempts: 4, uniqueUsers: 1, trueDenials: 2, unmetUsers: 1 });
    const ten = body.buckets!.find((b) => b.start === '2026-03-02T10:00:00.000+05:30')!;
    // u3, denied at 10:00 local, started s3 at 10:08 local.
    expect(ten).toMatchObject({ attempts: 1, uniqueUsers: 1, trueDenials: 1, unmetUsers: 0 });
  });
});
