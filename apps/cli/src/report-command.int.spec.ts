import { DomainError } from '../../../libs/domain/src/errors.js';
import { runReport } from '../../../libs/reports/src/reports.service.js';
import { findReport } from '../../../libs/reports/src/reports.service.js';
import { projectionHarness, type ProjectionHarness } from '../../../libs/reports/src/testing/projection-harness.js';
import { SPEC7_SEATS } from '../../../libs/domain/src/testing/spec-7-example.js';
import { captureOutput } from '../../../test/support/capture-output.js';
import { storedHistory } from '../../../test/support/stored-history.js';
import { assignmentsProjection } from '../../../projections/assignments.projection.js';
import { seatHistoryProjection } from '../../../projections/seat-history.projection.js';
import { capacityProjection } from '../../../projections/capacity.projection.js';
import { runCommand } from './command-kit.js';
import type { Output } from './output.js';
import { reportCommand, type ReportRunner } from './report-command.js';

const report = (args: string[], out: Output, run: ReportRunner) => runCommand(reportCommand(out, run), args, out);

describe('report options', () => {
  it('map to report parameters', async () => {
    const seen: unknown[] = [];
    const recording: ReportRunner = async (name, parameters, options) => {
      seen.push({ name, parameters, options });
      throw new DomainError('NOT_FOUND', 'recorded');
    };
    await report(
      [
        'assignments',
        '--account',
        'acme',
        '--product',
        'KSE',
        '--org',
        'qa',
        '--q',
        'ann',
        '--license-source',
        'qa',
        '--sort=-user',
        '--page',
        '2',
        '--page-size',
        '10',
        '--format',
        'csv',
      ],
      captureOutput(),
      recording,
    );
    await report(
      [
        'seat-usage',
        '--account=acme',
        '--from',
        '2026-01-01',
        '--to',
        '2026-01-31',
        '--interval',
        'week',
        '--group-by',
        'org',
        '--as-of',
        '2026-01-01T00:00:00Z',
      ],
      captureOutput(),
      recording,
    );
    await report(
      ['what-if', '--account', 'acme', '--product', 'KRE', '--quantity', '3', '--dedications', 'qa:2,mobile:1', '--denied-duration', '600'],
      captureOutput(),
      recording,
    );
    await report(
      [
        'forecast',
        '--account',
        'acme',
        '--product',
        'KRE',
        '--metric',
        'peakUsage',
        '--history',
        '12',
        '--horizon',
        '6',
        '--idle-days',
        '30',
        '--min-idle-days',
        '30',
        '--retry-window',
        '600',
      ],
      captureOutput(),
      recording,
    );
    expect(seen.slice(2)).toEqual([
      {
        name: 'what-if',
        options: { allRows: false },
        parameters: { accountId: 'acme', product: 'KRE', quantity: '3', dedications: 'qa:2,mobile:1', deniedDuration: '600' },
      },
      {
        name: 'forecast',
        options: { allRows: false },
        parameters: {
          accountId: 'acme',
          product: 'KRE',
          metric: 'peakUsage',
          history: '12',
          horizon: '6',
          idleDays: '30',
          minIdleDays: '30',
          retryWindow: '600',
        },
      },
    ]);
    expect(seen.slice(0, 2)).toEqual([
      {
        name: 'assignments',
        options: { allRows: true },
        parameters: { accountId: 'acme', product: 'KSE', orgId: 'qa', q: 'ann', licenseSource: 'qa', sort: '-user', page: '2', pageSize: '10' },
      },
      {
        name: 'seat-usage',
        options: { allRows: false },
        parameters: { accountId: 'acme', from: '2026-01-01', to: '2026-01-31', interval: 'week', groupBy: 'org', asOf: '2026-01-01T00:00:00Z' },
      },
    ]);
  });
});

describe('ledger report', () => {
  let harness: ProjectionHarness;
  let run: ReportRunner;
  const NOW = Date.parse('2026-06-01T00:00:00Z');

  beforeAll(async () => {
    harness = await projectionHarness(
      [seatHistoryProjection, assignmentsProjection, capacityProjection],
      storedHistory(SPEC7_SEATS, { onRejected: 'skip' }),
    );
    run = async (name, parameters, options) => {
      const definition = findReport(name);
      return { definition, body: await runReport(definition, parameters, harness.context(NOW), options) };
    };
  });
  afterAll(() => harness.close());

  it('prints the JSON body', async () => {
    const out = captureOutput();
    const code = await report(
      ['seat-history', '--account', 'acme', '--product', 'KSE', '--from', '2026-01-01', '--to', '2026-02-28', '--interval', 'month'],
      out,
      run,
    );
    expect(code).toBe(0);
    const body = JSON.parse(out.out());
    expect(body.buckets.map((b: Record<string, number>) => [b.purchased, b.assigned, b.activated])).toEqual([
      [5, 2, 2],
      [5, 2, 1],
    ]);
  });

  it('runs the capacity reports with their kebab-case flags (SPEC §8)', async () => {
    const out = captureOutput();
    const code = await report(
      [
        'reclaim-backtest',
        '--account',
        'acme',
        '--product',
        'KSE',
        '--from',
        '2026-01-01',
        '--to',
        '2026-02-28',
        '--interval',
        'month',
        '--idle-days',
        '7',
      ],
      out,
      run,
    );
    expect({ code, stderr: out.err() }).toEqual({ code: 0, stderr: '' });
    const body = JSON.parse(out.out());
    expect({ idleDays: body.idleDays, buckets: body.buckets.length }).toEqual({ idleDays: 7, buckets: 2 });
    const refused = captureOutput();
    expect(
      await report(
        ['reclaim-backtest', '--account', 'acme', '--product', 'KSE', '--from', '2026-01-01', '--to', '2026-02-28', '--idle-days', '0'],
        refused,
        run,
      ),
    ).toBe(2);
    expect(refused.err()).toMatch(/--idle-days/);
  });

  it('prints CSV with every row', async () => {
    const out = captureOutput();
    expect(
      await report(['assignments', '--account', 'acme', '--product', 'KSE', '--page-size', '1', '--sort', 'userId', '--format', 'csv'], out, run),
    ).toBe(0);
    expect(
      out
        .out()
        .split('\r\n')
        .map((line) => line.split(',')[0]),
    ).toEqual(['userId', 'u1', 'u2', '']);
  });

  it('prints a table to read on a terminal', async () => {
    const series = captureOutput();
    expect(
      await report(
        [
          'seat-history',
          '--account',
          'acme',
          '--product',
          'KSE',
          '--from',
          '2026-01-01',
          '--to',
          '2026-02-28',
          '--interval',
          'month',
          '--format',
          'table',
        ],
        series,
        run,
      ),
    ).toBe(0);
    const [title, blank, header, january, february] = series.out().trimEnd().split('\n');
    expect(title).toMatch(/^seat-history · acme · KSE · month buckets 2026-01-01 – 2026-02-28 \(America\/New_York\) · as of position \S+$/);
    expect(blank).toBe('');
    expect(header).toMatch(/^start +end +purchased +assigned +activated$/);
    expect(january).toMatch(/^2026-01-01T00:00:00\.000-05:00 +2026-02-01T00:00:00\.000-05:00 +5 +2 +2$/);
    expect(february).toMatch(/ +5 +2 +1$/);

    const table = captureOutput();
    expect(await report(['assignments', '--account', 'acme', '--product', 'KSE', '--sort', 'userId', '--format', 'table'], table, run)).toBe(0);
    const lines = table.out().trimEnd().split('\n');
    expect(lines[0]).toMatch(/^assignments · acme · KSE · 2 of 2 rows \(page 1, 50 a page\)/);
    expect(lines[2]).toMatch(/^userId +user +email +licenseSource +organization/);
    expect(lines.slice(3).map((line) => line.split(' ')[0])).toEqual(['u1', 'u2']);
  });

  it('an unknown option suggests the nearest, on one line; a missing value names the option', async () => {
    const typo = captureOutput();
    expect(await report(['seat-history', '--acount', 'acme'], typo, run)).toBe(2);
    expect(typo.err()).toBe("ledger report: unknown option '--acount' (Did you mean --account?)\n");
    const missing = captureOutput();
    expect(await report(['seat-history', '--account'], missing, run)).toBe(2);
    expect(missing.err()).toBe("ledger report: option '--account <id>' argument missing\n");
  });

  it('bad usage or parameters: the reasons on stderr, by flag, exit 2', async () => {
    const cases: [string[], string][] = [
      [['--account', 'acme'], "missing required argument 'NAME'"],
      [['seat-history'], "required option '--account <id>' not specified"],
      [
        ['seat-history', '--account', 'acme', '--format', 'xml'],
        "option '--format <format>' argument 'xml' is invalid. Allowed choices are json, csv, table.",
      ],
      [
        ['seat-history', '--account', 'acme', '--product', 'KSE', '--from', '2026-01-01', '--to', '2026-01-02', '--interval', 'year'],
        '  --interval: must be one of hour, day, week, month',
      ],
      [
        ['seat-history', '--account', 'acme', '--product', 'KSE', '--from', '2026-01-01', '--to', '2026-01-02', '--q', 'x'],
        '  --q: is not a parameter of seat-history',
      ],
      [['nope', '--account', 'acme'], "NOT_FOUND: report 'nope' does not exist; the reports are: seat-history, assignments, seat-usage"],
    ];
    for (const [args, message] of cases) {
      const out = captureOutput();
      expect(await report(args, out, run)).toBe(2);
      expect(out.err()).toContain(message);
    }
    await expect(report(['seat-history', '--acount', 'acme'], captureOutput(), run)).resolves.toBe(2);
  });

  it('an unknown account: exit 1', async () => {
    const out = captureOutput();
    expect(await report(['seat-history', '--account', 'other', '--product', 'KSE', '--from', '2026-01-01', '--to', '2026-01-02'], out, run)).toBe(1);
    expect(out.err()).toContain("NOT_FOUND: account 'other' does not exist");
  });

  it('unexpected failures propagate (the CLI prints them, exit 1)', async () => {
    const failing: ReportRunner = async () => {
      throw new Error('database down');
    };
    await expect(report(['seat-history', '--account', 'acme'], captureOutput(), failing)).rejects.toThrow('database down');
    const refused: ReportRunner = async () => {
      throw new DomainError('NOT_FOUND', 'gone');
    };
    expect(await report(['seat-history', '--account', 'acme'], captureOutput(), refused)).toBe(1);
  });
});

describe('ledger report through runCli', () => {
  it('checks the flags before opening the ledger', async () => {
    const { runCli } = await import('./cli.js');
    const out = captureOutput();
    expect(await runCli(['report', 'seat-history', '--product', 'KSE'], out, { LEDGER_DATA_DIR: '/nonexistent/ledger' })).toBe(2);
    expect(out.err()).toContain("ledger report: required option '--account <id>' not specified");
    const help = captureOutput();
    await runCli(['help'], help);
    expect(help.out()).toMatch(/report \[options\] <NAME> +print a report/);
  });
});
