import { DomainError } from '../../../libs/domain/src/errors.js';
import { runReport } from '../../../libs/reports/src/reports.service.js';
import { findReport } from '../../../libs/reports/src/reports.service.js';
import { projectionHarness, type ProjectionHarness } from '../../../libs/reports/src/testing/projection-harness.js';
import { WORKED_EXAMPLE } from '../../../libs/reports/src/testing/worked-example.js';
import { captureOutput } from '../../../test/support/capture-output.js';
import { storedHistory } from '../../../test/support/stored-history.js';
import { assignmentsProjection } from '../../../projections/assignments.projection.js';
import { seatHistoryProjection } from '../../../projections/seat-history.projection.js';
import { parseReportArguments, reportCommand, type ReportRunner } from './report-command.js';

describe('parseReportArguments', () => {
  it('maps flags to report parameters', () => {
    expect(parseReportArguments([
      'assignments', '--account', 'acme', '--product', 'KSE', '--org', 'qa', '--q', 'ann', '--license-source', 'qa',
      '--sort=-user', '--page', '2', '--page-size', '10', '--format', 'csv',
    ])).toEqual({
      name: 'assignments', format: 'csv',
      parameters: { accountId: 'acme', product: 'KSE', orgId: 'qa', q: 'ann', licenseSource: 'qa', sort: '-user', page: '2', pageSize: '10' },
    });
    expect(parseReportArguments(['seat-usage', '--account=acme', '--from', '2026-01-01', '--to', '2026-01-31', '--interval', 'week', '--group-by', 'org', '--as-of', '2026-01-01T00:00:00Z']))
      .toEqual({ name: 'seat-usage', format: 'json', parameters: { accountId: 'acme', from: '2026-01-01', to: '2026-01-31', interval: 'week', groupBy: 'org', asOf: '2026-01-01T00:00:00Z' } });
  });
});

describe('ledger report', () => {
  let harness: ProjectionHarness;
  let run: ReportRunner;
  const NOW = Date.parse('2026-06-01T00:00:00Z');

  beforeAll(async () => {
    harness = await projectionHarness([seatHistoryProjection, assignmentsProjection], storedHistory(WORKED_EXAMPLE, { onRejected: 'skip' }));
    run = async (name, parameters, options) => {
      const definition = findReport(name);
      return { definition, body: await runReport(definition, parameters, harness.context(NOW), options) };
    };
  });
  afterAll(() => harness.close());

  it('prints the JSON body', async () => {
    const out = captureOutput();
    const code = await reportCommand(['seat-history', '--account', 'acme', '--product', 'KSE', '--from', '2026-01-01', '--to', '2026-02-28', '--interval', 'month'], out, run);
    expect(code).toBe(0);
    const body = JSON.parse(out.out());
    expect(body.buckets.map((b: Record<string, number>) => [b.purchased, b.assigned, b.activated])).toEqual([[5, 2, 2], [5, 2, 1]]);
  });

  it('prints CSV with every row', async () => {
    const out = captureOutput();
    expect(await reportCommand(['assignments', '--account', 'acme', '--product', 'KSE', '--page-size', '1', '--sort', 'userId', '--format', 'csv'], out, run)).toBe(0);
    expect(out.out().split('\r\n').map((line) => line.split(',')[0])).toEqual(['userId', 'u1', 'u2', '']);
  });

  it('bad usage or parameters: the reasons on stderr, by flag, exit 2', async () => {
    const cases: [string[], string][] = [
      [['--account', 'acme'], 'expected NAME'],
      [['seat-history'], '--account ID is required'],
      [['seat-history', '--account', 'acme', '--format', 'xml'], '--format must be json or csv'],
      [['seat-history', '--account', 'acme', '--product', 'KSE', '--from', '2026-01-01', '--to', '2026-01-02', '--interval', 'year'], '  --interval: must be one of hour, day, week, month'],
      [['seat-history', '--account', 'acme', '--product', 'KSE', '--from', '2026-01-01', '--to', '2026-01-02', '--q', 'x'], '  --q: is not a parameter of seat-history'],
      [['nope', '--account', 'acme'], "NOT_FOUND: report 'nope' does not exist; the reports are: seat-history, assignments, seat-usage"],
    ];
    for (const [args, message] of cases) {
      const out = captureOutput();
      expect(await reportCommand(args, out, run)).toBe(2);
      expect(out.err()).toContain(message);
    }
    await expect(reportCommand(['seat-history', '--acount', 'acme'], captureOutput(), run)).resolves.toBe(2);
  });

  it('an unknown account: exit 1', async () => {
    const out = captureOutput();
    expect(await reportCommand(['seat-history', '--account', 'other', '--product', 'KSE', '--from', '2026-01-01', '--to', '2026-01-02'], out, run)).toBe(1);
    expect(out.err()).toContain("NOT_FOUND: account 'other' does not exist");
  });

  it('unexpected failures propagate (the CLI prints them, exit 1)', async () => {
    const failing: ReportRunner = async () => { throw new Error('database down'); };
    await expect(reportCommand(['seat-history', '--account', 'acme'], captureOutput(), failing)).rejects.toThrow('database down');
    const refused: ReportRunner = async () => { throw new DomainError('NOT_FOUND', 'gone'); };
    expect(await reportCommand(['seat-history', '--account', 'acme'], captureOutput(), refused)).toBe(1);
  });
});

describe('ledger report through runCli', () => {
  it('checks the flags before opening the ledger', async () => {
    const { runCli } = await import('./cli.js');
    const out = captureOutput();
    expect(await runCli(['report', 'seat-history', '--product', 'KSE'], out, { LEDGER_DATA_DIR: '/nonexistent/ledger' })).toBe(2);
    expect(out.err()).toContain('--account ID is required');
    const help = captureOutput();
    await runCli(['help'], help);
    expect(help.out()).toContain('report NAME --account ID');
  });
});
