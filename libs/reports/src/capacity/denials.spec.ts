import type { LedgerCommand } from '../../../domain/src/commands.js';
import { cmd } from '../../../domain/src/testing/decider-spec.js';
import { storedHistory } from '../../../../test/support/stored-history.js';
import { capacityProjection } from '../../../../projections/capacity.projection.js';
import { sessionsProjection } from '../../../../projections/sessions.projection.js';
import { runReport } from '../reports.service.js';
import { projectionHarness, type ProjectionHarness } from '../testing/projection-harness.js';
import type { SeriesBody } from '../report-definition.js';
import { sessionUsageReport } from '../sessions/session-usage.js';
import { denialsReport } from './denials.report.js';

/**
 * SPEC §8.3 on one account in Asia/Kolkata (+05:30: local days turn at 18:30Z), KRE ×1.
 * u1 (qa) holds the session while u2 (qa) and u3 (dev) are denied:
 *   d1 04:10Z u2, d2 04:15Z u2, d3 04:20Z u2 (exactly 10 min after d1), d4 04:21Z u2, d5 04:30Z u3;
 *   s3 of u3 at 04:38Z (8 min after d5); d6 18:25Z u2 (23:55 local, 2 March), d7 18:32Z u2 (00:02 local, 3 March).
 */
const Z = (time: string, date = '2026-03-02') => `${date}T${time}:00Z`;
const start = (sessionId: string, userId: string, at: string) => cmd('StartSession', at, { product: 'KRE', sessionId, userId, machineId: `m-${sessionId}` });
const end = (sessionId: string, at: string) => cmd('EndSession', at, { sessionId });
const beat = (sessionId: string, at: string) => cmd('HeartbeatSession', at, { sessionId });

const HISTORY: LedgerCommand[] = [
  cmd('OpenAccount', '2026-02-20T00:00:00Z', { name: 'Acme', timezone: 'Asia/Kolkata' }),
  cmd('CreateOrganization', '2026-02-20T00:01:00Z', { orgId: 'qa', name: 'QA' }),
  cmd('CreateOrganization', '2026-02-20T00:02:00Z', { orgId: 'dev', name: 'Dev' }),
  ...['u1', 'u2'].map((userId, i) => cmd('RegisterUser', `2026-02-20T00:0${3 + i}:00Z`, { userId, email: `${userId}@acme.example`, fullName: userId, orgId: 'qa' })),
  cmd('RegisterUser', '2026-02-20T00:05:00Z', { userId: 'u3', email: 'u3@acme.example', fullName: 'u3', orgId: 'dev' }),
  cmd('PurchaseLicenses', '2026-02-20T01:00:00Z', {
    purchaseId: 'p1', product: 'KRE', quantity: 1, startsAt: '2026-03-01T00:00:00Z', expiresAt: '2027-03-01T00:00:00Z',
  }),
  start('s1', 'u1', Z('04:00')), start('d1', 'u2', Z('04:10')), beat('s1', Z('04:10')), start('d2', 'u2', Z('04:15')),
  start('d3', 'u2', Z('04:20')), beat('s1', Z('04:20')), start('d4', 'u2', Z('04:21')), start('d5', 'u3', Z('04:30')),
  end('s1', Z('04:35')), start('s3', 'u3', Z('04:38')), end('s3', Z('05:00')),
  start('s4', 'u1', Z('18:00')), beat('s4', Z('18:10')), beat('s4', Z('18:20')), start('d6', 'u2', Z('18:25')), beat('s4', Z('18:30')),
  start('d7', 'u2', Z('18:32')), beat('s4', Z('18:40')), end('s4', Z('18:50')),
];

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
    const usage = (await runReport(sessionUsageReport, { accountId: 'acme', product: 'KRE', interval: 'day', from: '2026-03-02', to: '2026-03-03' },
      harness.context(LATER))) as SeriesBody;
    expect(body.buckets!.map((b) => b.attempts)).toEqual(usage.buckets!.map((b) => b.denied));
  });

  it('folds from before `from`', async () => {
    expect(figures(await denials({ from: '2026-03-03', to: '2026-03-03' }))).toEqual([{ attempts: 1, uniqueUsers: 1, trueDenials: 0, unmetUsers: 1 }]);
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
