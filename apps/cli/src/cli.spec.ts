import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './cli.js';
import { captureOutput as capture } from '../../../test/support/capture-output.js';

describe('ledger CLI usage', () => {
  it('prints help with exit 0', async () => {
    const out = capture();
    expect(await runCli(['help'], out)).toBe(0);
    expect(out.out()).toMatch(/^Usage: ledger <command>/);
    expect(out.out()).toContain('import FILE.ndjson');
  });

  it.each([
    [['frobnicate'], "ledger frobnicate: unknown command 'frobnicate'"],
    [['import'], 'ledger import: expected FILE.ndjson'],
    [['import', 'a.ndjson', 'b.ndjson'], 'ledger import: expected FILE.ndjson'],
    [['serve', '--port', '80'], "ledger serve: Unknown option '--port'"],
  ])('%j is a usage error (exit 2)', async (argv, message) => {
    const out = capture();
    expect(await runCli(argv, out)).toBe(2);
    expect(out.err()).toContain(message);
  });
});

describe('ledger import, end to end on the embedded store', () => {
  let dataDir: string;
  beforeAll(async () => { dataDir = await mkdtemp(join(tmpdir(), 'ledger-cli-')); });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  const hoursAgo = (hours: number, minute = 0) => new Date(Date.now() - hours * 3_600_000 + minute * 60_000).toISOString();

  it('applies a file, reports the rejected line and exits 3; a malformed file changes nothing (exit 2)', async () => {
    const commands = [
      { type: 'OpenAccount', name: 'Acme', timezone: 'America/New_York', at: hoursAgo(2) },
      { type: 'CreateOrganization', orgId: 'qa', name: 'QA', at: hoursAgo(2, 1) },
      { type: 'RegisterUser', userId: 'u1', email: 'u1@acme.example', fullName: 'User One', orgId: 'qa', at: hoursAgo(2, 2) },
      { type: 'RegisterUser', userId: 'u2', email: 'u2@acme.example', fullName: 'User Two', orgId: 'qa', at: hoursAgo(2, 3) },
      { type: 'PurchaseLicenses', purchaseId: 'p1', product: 'KSE', quantity: 1, startsAt: hoursAgo(24), expiresAt: hoursAgo(-24 * 365), at: hoursAgo(2, 4) },
      { type: 'AssignSeat', product: 'KSE', userId: 'u1', at: hoursAgo(2, 5) },
      { type: 'AssignSeat', product: 'KSE', userId: 'u2', at: hoursAgo(2, 6) },
    ].map((c) => JSON.stringify({ accountId: 'acme', ...c }));
    const file = join(dataDir, 'history.ndjson');
    await writeFile(file, `${commands.join('\n')}\n`);
    const env = { LEDGER_DATA_DIR: dataDir };

    const applied = capture();
    expect(await runCli(['import', file], applied, env)).toBe(3);
    const lastLine = applied.out().trimEnd().split('\n').pop() ?? '';
    expect(JSON.parse(lastLine)).toEqual({
      accepted: 6,
      rejected: 1,
      errors: [{ line: 7, code: 'LICENSE_QUOTA_EXCEEDED', message: 'The number of the licenses cannot exceed the license quota' }],
    });

    const malformedFile = join(dataDir, 'malformed.ndjson');
    await writeFile(malformedFile, [
      JSON.stringify({ type: 'UnassignSeat', accountId: 'acme', product: 'KSE', userId: 'u1' }),
      JSON.stringify({ type: 'AssignSeat', accountId: 'acme', product: 'KSE' }),
    ].join('\n'));
    const malformed = capture();
    expect(await runCli(['import', malformedFile], malformed, env)).toBe(2);
    expect(malformed.err()).toContain('line 2: userId is required');

    // u1 still holds the only seat: the UnassignSeat of the malformed file was not applied.
    const again = capture();
    await writeFile(file, JSON.stringify({ type: 'AssignSeat', accountId: 'acme', product: 'KSE', userId: 'u1' }));
    expect(await runCli(['import', file], again, env)).toBe(3);
    expect(JSON.parse(again.out())).toMatchObject({ errors: [{ line: 1, code: 'ALREADY_ASSIGNED' }] });
  });
});
