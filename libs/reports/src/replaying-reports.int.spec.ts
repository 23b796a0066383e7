import type { ReplayingReports } from '../../report-contract/src/answer-ports.js';
import type { ReportRequest } from '../../report-contract/src/report-spec.js';
import { capacityProjection } from '../../../projections/capacity.projection.js';
import { sessionsProjection } from '../../../projections/sessions.projection.js';
import { spec7Commands } from '../../../test/support/spec-7-example.js';
import { storedHistory } from '../../../test/support/stored-history.js';
import { computeReplayingReport } from './replaying-reports.js';
import { ReportsService } from './reports.service.js';
import { projectionHarness, type ProjectionHarness } from './testing/projection-harness.js';

const LATER = Date.parse('2026-06-01T00:00:00Z');
const LEASE_MS = 900_000;

/**
 * Where ReportsService runs the reports that replay history (SPEC §8 what-if, reclaim-backtest): it
 * hands them to REPLAYING_REPORTS (the replay threads, in the application) with the request it parsed
 * and its clock's now; the other reports, and these when the port answers null (replays in the calling
 * thread), it runs itself — the same bodies either way.
 */
describe('ReportsService and the reports that replay history', () => {
  let harness: ProjectionHarness;
  beforeAll(async () => {
    harness = await projectionHarness([capacityProjection, sessionsProjection], storedHistory(spec7Commands(), { onRejected: 'skip' }));
  });
  afterAll(() => harness.close());

  /** A port that computes as a replay thread does, noting what it was given; or none that takes them (`threads` false). */
  const service = (threads: boolean) => {
    const handed: { name: string; request: ReportRequest; now: number }[] = [];
    const compute = computeReplayingReport(harness.reader, LEASE_MS);
    const port: ReplayingReports = {
      report: (name, request, now) => {
        if (!threads) return null;
        handed.push({ name, request, now });
        return compute(name, request, now);
      },
    };
    return { reports: new ReportsService(harness.reader, { now: () => LATER }, undefined, undefined, port), handed };
  };
  const whatIf = { accountId: 'acme', product: 'KRE', from: '2026-03-02', to: '2026-03-02', dedications: 'qa:1' };
  const backTest = { accountId: 'acme', product: 'KSE', from: '2026-01-01', to: '2026-02-28', interval: 'month', idleDays: '7' };

  it('what-if and reclaim-backtest go to the port, parsed once, at the clock’s now: the bodies it runs in its own thread', async () => {
    const onThreads = service(true);
    const inThread = service(false);
    for (const [name, parameters] of [
      ['what-if', whatIf],
      ['reclaim-backtest', backTest],
    ] as const) {
      const { body } = await onThreads.reports.run(name, parameters);
      expect(JSON.stringify(body)).toBe(JSON.stringify((await inThread.reports.run(name, parameters)).body));
    }
    expect(onThreads.handed.map((h) => [h.name, h.now])).toEqual([
      ['what-if', LATER],
      ['reclaim-backtest', LATER],
    ]);
    expect(onThreads.handed[0]!.request.dedications).toEqual(new Map([['qa', 1]]));
    expect(inThread.handed).toEqual([]);
  });

  it('the other reports never go to the port', async () => {
    const { reports, handed } = service(true);
    await reports.run('session-usage', { accountId: 'acme', product: 'KRE', from: '2026-03-02', to: '2026-03-02' });
    await reports.run('denials', { accountId: 'acme', product: 'KRE', from: '2026-03-02', to: '2026-03-02' });
    expect(handed).toEqual([]);
  });
});
