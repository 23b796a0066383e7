import { ExplainService } from '../../../libs/audit/src/explain/explain.service.js';
import { storedLog } from '../../../libs/audit/src/explain/testing/stored-log.js';
import type { LedgerConfig } from '../../../libs/platform/src/config.js';
import { projectionHarness, type ProjectionHarness } from '../../../libs/reports/src/testing/projection-harness.js';
import { captureOutput } from '../../../test/support/capture-output.js';
import { FixedClock } from '../../../test/support/fixed-clock.js';
import { spec7Commands } from '../../../test/support/spec-7-example.js';
import { storedHistory } from '../../../test/support/stored-history.js';
import { licensesProjection } from '../../../projections/licenses.projection.js';
import { seatHistoryProjection } from '../../../projections/seat-history.projection.js';
import { runCommand } from './command-kit.js';
import { explainCommand, type Explainer } from './explain-command.js';
import type { Output } from './output.js';
import { ProjectedReportAnswers } from '../../../libs/reports/src/projected-answers.js';

const explain = (args: string[], out: Output, explainer: Explainer) => runCommand(explainCommand(out, explainer), args, out);

describe('explain options', () => {
  it('map to the parameters of a report and of licenses; an option of the other kind is a usage error', async () => {
    const seen: unknown[] = [];
    const recording: Explainer = {
      report: async (name, parameters) => seen.push({ name, parameters }),
      licenses: async (parameters) => seen.push({ name: 'licenses', parameters }),
    };
    const out = captureOutput();
    expect(
      await explain(
        [
          'seat-history',
          '--account',
          'acme',
          '--product',
          'KSE',
          '--org',
          'qa',
          '--from',
          '2026-01-01',
          '--to',
          '2026-02-28',
          '--interval',
          'month',
          '--bucket',
          '2026-02-01T00:00:00.000-05:00',
          '--metric',
          'activated',
          '--format',
          'json',
        ],
        out,
        recording,
      ),
    ).toBe(0);
    expect(
      await explain(
        ['licenses', '--account', 'acme', '--product', 'KSE', '--scope', 'qa', '--metric', 'used', '--as-of', '2026-02-01T00:00:00Z'],
        out,
        recording,
      ),
    ).toBe(0);
    expect(seen).toEqual([
      {
        name: 'seat-history',
        parameters: {
          accountId: 'acme',
          product: 'KSE',
          orgId: 'qa',
          from: '2026-01-01',
          to: '2026-02-28',
          interval: 'month',
          bucket: '2026-02-01T00:00:00.000-05:00',
          metric: 'activated',
        },
      },
      { name: 'licenses', parameters: { accountId: 'acme', product: 'KSE', scope: 'qa', metric: 'used', asOf: '2026-02-01T00:00:00Z' } },
    ]);
    const wrongKind = captureOutput();
    expect(await explain(['licenses', '--account', 'acme', '--bucket', 'x'], wrongKind, recording)).toBe(2);
    expect(wrongKind.err()).toBe('ledger explain: --bucket is an option of explain NAME (a report), not of explain licenses\n');
  });

  it("take the capacity reports' own flags (SPEC §8) as report parameters; --metric stays the figure explained", async () => {
    const seen: unknown[] = [];
    const recording: Explainer = { report: async (name, parameters) => seen.push({ name, parameters }), licenses: async () => undefined };
    const out = captureOutput();
    expect(
      await explain(
        [
          'what-if',
          '--account',
          'acme',
          '--product',
          'KRE',
          '--from',
          '2026-03-02',
          '--to',
          '2026-03-02',
          '--interval',
          'day',
          '--quantity',
          '3',
          '--dedications',
          'qa:2',
          '--denied-duration',
          '600',
          '--bucket',
          '2026-03-02T05:00:00Z',
          '--metric',
          'denied',
        ],
        out,
        recording,
      ),
    ).toBe(0);
    expect(await explain(['denials', '--account', 'acme', '--retry-window', '300', '--metric', 'trueDenials'], out, recording)).toBe(0);
    expect(await explain(['forecast', '--account', 'acme', '--history', '4', '--horizon', '2', '--metric', 'projected'], out, recording)).toBe(0);
    expect(await explain(['reclaim-backtest', '--account', 'acme', '--idle-days', '30', '--metric', 'assigned'], out, recording)).toBe(0);
    expect(seen).toEqual([
      {
        name: 'what-if',
        parameters: {
          accountId: 'acme',
          product: 'KRE',
          from: '2026-03-02',
          to: '2026-03-02',
          interval: 'day',
          quantity: '3',
          dedications: 'qa:2',
          deniedDuration: '600',
          bucket: '2026-03-02T05:00:00Z',
          metric: 'denied',
        },
      },
      { name: 'denials', parameters: { accountId: 'acme', retryWindow: '300', metric: 'trueDenials' } },
      { name: 'forecast', parameters: { accountId: 'acme', history: '4', horizon: '2', metric: 'projected' } },
      { name: 'reclaim-backtest', parameters: { accountId: 'acme', idleDays: '30', metric: 'assigned' } },
    ]);
    const wrongKind = captureOutput();
    expect(await explain(['licenses', '--account', 'acme', '--idle-days', '30'], wrongKind, recording)).toBe(2);
    expect(wrongKind.err()).toBe('ledger explain: --idle-days is an option of explain NAME (a report), not of explain licenses\n');
  });
});

describe('ledger explain', () => {
  let harness: ProjectionHarness;
  let explainer: Explainer;

  beforeAll(async () => {
    const events = storedHistory(spec7Commands(), { onRejected: 'skip' });
    harness = await projectionHarness([seatHistoryProjection, licensesProjection], events);
    const service = new ExplainService(
      new ProjectedReportAnswers(harness.reader, { sessionLeaseSeconds: 900 }),
      storedLog(events),
      new FixedClock(Date.parse('2026-06-01T00:00:00Z')),
      { sessionLeaseSeconds: 900 } as LedgerConfig,
    );
    explainer = {
      report: (name, parameters) => service.explainReport(name, parameters),
      licenses: (parameters) => service.explainLicenses(parameters),
    };
  });
  afterAll(() => harness.close());

  it('prints the explanation of a report number as JSON', async () => {
    const out = captureOutput();
    const code = await explain(
      [
        'seat-history',
        '--account',
        'acme',
        '--product',
        'KSE',
        '--org',
        'qa',
        '--from',
        '2026-01-01',
        '--to',
        '2026-02-28',
        '--interval',
        'month',
        '--bucket',
        '2026-02-01T00:00:00.000-05:00',
        '--metric',
        'activated',
      ],
      out,
      explainer,
    );
    expect(code).toBe(0);
    const body = JSON.parse(out.out());
    expect(body).toMatchObject({ report: 'seat-history', metric: 'activated', value: 1, seats: [{ userId: 'u2', activated: true }] });
    expect(body.events.map((e: { type: string }) => e.type)).toEqual(['SeatAssigned', 'SeatActivated']);
  });

  it('prints the explanation of a licenses figure', async () => {
    const out = captureOutput();
    expect(await explain(['licenses', '--account', 'acme', '--product', 'KSE', '--scope', 'mobile', '--metric', 'used'], out, explainer)).toBe(0);
    expect(JSON.parse(out.out())).toMatchObject({ scope: 'mobile', metric: 'used', value: 1, units: { seats: [{ userId: 'u2' }] } });
  });

  it('a bad bucket or metric: the reasons on stderr by flag, exit 2', async () => {
    const base = ['seat-history', '--account', 'acme', '--product', 'KSE', '--from', '2026-01-01', '--to', '2026-02-28', '--interval', 'month'];
    const badBucket = captureOutput();
    expect(await explain([...base, '--bucket', '2026-01-15T00:00:00Z', '--metric', 'assigned'], badBucket, explainer)).toBe(2);
    expect(badBucket.err()).toContain(
      '  --bucket: must be the start of a bucket of the window; one of 2026-01-01T00:00:00.000-05:00, 2026-02-01T00:00:00.000-05:00',
    );
    const badMetric = captureOutput();
    expect(await explain([...base, '--bucket', '2026-01-01T00:00:00-05:00', '--metric', 'peakUsage'], badMetric, explainer)).toBe(2);
    expect(badMetric.err()).toContain('  --metric: must be one of purchased, assigned, activated for seat-history');
    const noAccount = captureOutput();
    expect(await explain(['seat-history', '--metric', 'assigned'], noAccount, explainer)).toBe(2);
    expect(noAccount.err()).toContain("required option '--account <id>' not specified");
  });

  it('an unknown account: exit 1', async () => {
    const out = captureOutput();
    expect(await explain(['licenses', '--account', 'nobody', '--product', 'KSE', '--scope', 'account', '--metric', 'pool'], out, explainer)).toBe(1);
    expect(out.err()).toContain('NOT_FOUND');
  });
});
