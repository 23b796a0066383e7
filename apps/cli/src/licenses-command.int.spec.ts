import { SPEC7_SEATS } from '../../../libs/domain/src/testing/spec-7-example.js';
import { ReportsService } from '../../../libs/reports/src/reports.service.js';
import { projectionHarness, type ProjectionHarness } from '../../../libs/reports/src/testing/projection-harness.js';
import { captureOutput } from '../../../test/support/capture-output.js';
import { FixedClock } from '../../../test/support/fixed-clock.js';
import { storedHistory } from '../../../test/support/stored-history.js';
import { licensesProjection } from '../../../projections/licenses.projection.js';
import { runCommand } from './command-kit.js';
import { licensesCommand } from './licenses-command.js';

/** `ledger licenses`: the overview, `--list-limit`, and `--list` pages (the bodies of GET …/licenses and …/licenses/PRODUCT/LIST). */
describe('ledger licenses (SPEC §7 example)', () => {
  let harness: ProjectionHarness;
  let reports: ReportsService;

  beforeAll(async () => {
    harness = await projectionHarness([licensesProjection], storedHistory(SPEC7_SEATS, { onRejected: 'skip' }));
    reports = new ReportsService(harness.reader, new FixedClock(Date.parse('2026-06-01T00:00:00Z')));
  });
  afterAll(() => harness.close());

  async function licenses(...args: string[]) {
    const out = captureOutput();
    const command = licensesCommand(out, {
      overview: (parameters) => reports.licenses(parameters),
      list: (parameters, options) => reports.licenseList(parameters, options),
    });
    const code = await runCommand(command, args, out);
    return { code, out: out.out(), err: out.err() };
  }

  it('prints the whole overview by default, and the first rows with listTotals with --list-limit', async () => {
    const whole = await licenses('--account', 'acme', '--product', 'KSE');
    expect(whole.code).toBe(0);
    expect(JSON.parse(whole.out)).toEqual(await reports.licenses({ accountId: 'acme', product: 'KSE' }));
    const limited = JSON.parse((await licenses('--account', 'acme', '--product', 'KSE', '--list-limit', '1')).out);
    expect(limited.products[0].licensedUsers.map((u: { userId: string }) => u.userId)).toEqual(['u1']);
    expect(limited.products[0].listTotals).toEqual({ licensedUsers: 2, onlineLicenses: 0, offlineLicenses: 0, machines: 0 });
  });

  it('--list prints one page as JSON, or every matching row as CSV', async () => {
    const page = await licenses('--account', 'acme', '--product', 'KSE', '--list', 'licensed-users', '--page', '2', '--page-size', '1');
    expect(page.code).toBe(0);
    expect(JSON.parse(page.out)).toMatchObject({ list: 'licensed-users', total: 2, page: 2, pageSize: 1, rows: [{ userId: 'u2' }] });
    const csv = await licenses('--account', 'acme', '--product', 'KSE', '--list', 'licensed-users', '--page-size', '1', '--format', 'csv');
    expect(csv.out.split('\r\n').map((line) => line.split(',')[0])).toEqual(['userId', 'u1', 'u2', '']);
    const found = await licenses('--account', 'acme', '--product', 'KSE', '--list', 'licensed-users', '--q', 'TWO');
    expect(JSON.parse(found.out)).toMatchObject({ total: 1, rows: [{ userId: 'u2', name: 'User Two' }] });
  });

  it('options of the other form, or bad values → exit 2 naming them', async () => {
    const misplaced = await licenses('--account', 'acme', '--page', '2', '--format', 'csv');
    expect(misplaced.code).toBe(2);
    expect(misplaced.err).toBe(
      'ledger licenses: --page is an option of --list, not of the overview\nledger licenses: --format csv needs --list (the overview is JSON)\n',
    );
    const bad = await licenses('--account', 'acme', '--list', 'seats', '--page-size', '0');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('product: is required; list: must be one of licensed-users, online-licenses, offline-licenses, machines; pageSize:');
    expect((await licenses('--account', 'nobody', '--product', 'KSE', '--list', 'machines')).code).toBe(1);
  });
});
